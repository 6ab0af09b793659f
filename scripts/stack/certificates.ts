import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackPaths } from './paths.ts';

const run = promisify(execFile);

/**
 * The secured services' key material, made afresh at every `up` under .local-stack/secured (git-ignored): a CA of
 * the stack's own, a server certificate for 127.0.0.1/localhost that every secured listener presents, a client
 * certificate for mTLS, the broker's PKCS12 key and trust stores, and one random password per account. Each
 * password is in a file of its own, as a Kubernetes Secret would mount it.
 */
export interface SecuredMaterial {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** PKCS12 stores for the broker (made by openssl and keytool); their password is storePassword. */
  keystoreFile: string;
  truststoreFile: string;
  storePassword: string;
  accounts: {
    kafkaScram: Account;
    kafkaPlain: Account;
    registry: Account;
    redis: Account;
  };
}

export interface Account {
  username: string;
  password: string;
  passwordFile: string;
}

const DAYS = '30';

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args);
}

/** hex: no character that a properties file, a JAAS line, a Redis ACL rule or a URL would read specially. */
const newPassword = () => randomBytes(18).toString('hex');

export async function makeSecuredMaterial(): Promise<SecuredMaterial> {
  const dir = join(stackPaths.home, 'secured');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (name: string) => join(dir, name);

  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('ca.key'), '-out', path('ca.crt'),
    '-days', DAYS, '-subj', '/CN=tidewatch local-stack CA']);
  const sign = async (name: string, subject: string, extensions: string) => {
    writeFileSync(path(`${name}.ext`), extensions);
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', subject]);
    await openssl(['x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial',
      '-out', path(`${name}.crt`), '-days', DAYS, '-extfile', path(`${name}.ext`)]);
  };
  await Promise.all([
    sign('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n'),
    sign('client', '/CN=tidewatch-client', 'extendedKeyUsage=clientAuth\n'),
  ]);

  const storePassword = newPassword();
  await openssl(['pkcs12', '-export', '-in', path('server.crt'), '-inkey', path('server.key'), '-certfile', path('ca.crt'),
    '-name', 'broker', '-out', path('broker.keystore.p12'), '-passout', `pass:${storePassword}`]);
  await run('keytool', ['-importcert', '-noprompt', '-alias', 'tidewatch-ca', '-file', path('ca.crt'),
    '-keystore', path('broker.truststore.p12'), '-storetype', 'PKCS12', '-storepass', storePassword]);

  const account = (username: string, file: string): Account => {
    const password = newPassword();
    writeFileSync(path(file), `${password}\n`, { mode: 0o600 });
    return { username, password, passwordFile: path(file) };
  };
  return {
    dir,
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    keystoreFile: path('broker.keystore.p12'),
    truststoreFile: path('broker.truststore.p12'),
    storePassword,
    accounts: {
      kafkaScram: account('tidewatch', 'kafka-scram-password'),
      kafkaPlain: account('tidewatch-plain', 'kafka-plain-password'),
      registry: account('tidewatch', 'registry-password'),
      redis: account('tidewatch', 'redis-password'),
    },
  };
}

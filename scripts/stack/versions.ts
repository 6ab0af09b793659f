/**
 * Pinned versions of the services the local stack brings from Maven Central.
 * Apicurio Registry 3.x is built for Java 21; 2.6 runs on the Java 17 these machines ship, and serves the
 * Confluent-compatible API under /apis/ccompat/v7 with in-memory (H2) storage.
 */
export const KAFKA_VERSION = '4.3.1';
export const APICURIO_VERSION = '2.6.13.Final';
export const APICURIO_ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;
export const REGISTRY_CCOMPAT_PATH = '/apis/ccompat/v7';

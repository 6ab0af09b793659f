/**
 * Writes rules/rules.schema.json, the JSON Schema of the rules file, from the zod schema in src/core/rules.ts, so that
 * editors complete and check rules files (YAML files point at it with a first line
 * `# yaml-language-server: $schema=./rules.schema.json`).
 *
 *   npm run rules:schema        # after any change to src/core/rules.ts (test/unit/rules-schema.test.ts fails until then)
 *
 * The schema is the *input* side (keys with a default may be left out). Descriptions come from the JSDoc comments
 * on the keys in src/core/rules.ts, so the hover text in an editor is the documentation the code carries. The JSON
 * Schema checks shapes, types, ranges and enums; the cross-field rules of `superRefine` (tier floors ascending,
 * byTier names known, cut points ordered, ...) and the time-zone check are the service's alone: `parseRules` remains
 * the authority.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { z } from 'zod';
import { rulesSchema } from '../src/core/rules.ts';

const repoFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const paths = {
  schema: repoFile('rules/rules.schema.json'),
  rulesSource: repoFile('src/core/rules.ts'),
};

export const RULES_SCHEMA_ID = 'urn:tidewatch:rules.schema.json';

type JsonSchema = { [keyword: string]: unknown };

/** Notes appended to the description of every key whose schema is one of these helpers of rules.ts. */
const unitNotes: Record<string, string> = {
  minorUnits: 'Money: an integer in minor units of `currency` (100 = 1.00).',
  basisPoints: 'A share in basis points (10000 = 100%).',
};

/**
 * The rules' JSON Schema. Draft-07 rather than zod's default 2020-12: every editor's YAML/JSON support (the YAML
 * language server, JetBrains) validates draft-07 fully.
 */
export function buildRulesSchema(rulesSource: string = readFileSync(paths.rulesSource, 'utf8')): JsonSchema {
  const generated = z.toJSONSchema(rulesSchema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as JsonSchema;
  // a plain copy: zod may hand out one object for a helper schema used in many places
  const schema = JSON.parse(JSON.stringify(generated)) as JsonSchema;
  for (const [path, description] of keyDocs(rulesSource)) {
    const node = nodeAt(schema, path);
    if (node !== undefined && typeof node.description !== 'string') node.description = description;
  }
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: RULES_SCHEMA_ID,
    $comment: 'GENERATED from src/core/rules.ts by `npm run rules:schema`: do not edit by hand.',
    title: 'tidewatch rules file',
    description:
      'Every threshold a bank tunes, per tier where it matters (YAML or JSON). Money in integer minor units of `currency`, shares in basis points (10000 = 100%). The service checks more than this schema can say (tier floors ascending, tier names known, cut points ordered, the time zone known) and refuses a bad file naming the key; a running service reloads the file when it changes.',
    ...rest,
  };
}

/** The schema file's text, byte for byte. */
export function renderRulesSchema(rulesSource?: string): string {
  return `${JSON.stringify(buildRulesSchema(rulesSource), null, 2)}\n`;
}

/**
 * JSDoc of the keys of `rulesSchema`, by their path in the JSON Schema (`['properties', 'tiers', 'properties',
 * 'levels', 'items', ...]`). Follows `z.object`, `z.array`, `z.record` and method chains, and helper constants of
 * the same file (whose own JSDoc stands in for a key without one). What it does not follow simply gets no
 * description: this only adds documentation, it never decides what is valid.
 */
export function keyDocs(source: string): Array<[path: readonly string[], description: string]> {
  const file = ts.createSourceFile('rules.ts', source, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, ts.VariableDeclaration>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer !== undefined) constants.set(declaration.name.text, declaration);
    }
  }
  const docs: Array<[readonly string[], string]> = [];
  const root = constants.get('rulesSchema');
  if (root?.initializer === undefined) throw new Error('src/core/rules.ts declares no `rulesSchema`');

  /** The helper constant an expression ends in (`minorUnits.nullable().default(null)` → minorUnits), if any. */
  const baseConstant = (expression: ts.Expression): string | undefined => {
    let current = expression;
    while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) current = current.expression.expression;
    return ts.isIdentifier(current) && constants.has(current.text) ? current.text : undefined;
  };

  const visit = (expression: ts.Expression, path: readonly string[], seen: ReadonlySet<string>): void => {
    if (ts.isIdentifier(expression)) {
      const declaration = constants.get(expression.text);
      if (declaration?.initializer !== undefined && !seen.has(expression.text)) visit(declaration.initializer, path, new Set([...seen, expression.text]));
      return;
    }
    if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) return;
    const target = expression.expression.expression;
    const method = expression.expression.name.text;
    if (!(ts.isIdentifier(target) && target.text === 'z')) {
      visit(target, path, seen); // a method chain on a schema: .strict(), .nullable(), .default(...), ...
      return;
    }
    const [first, second] = expression.arguments;
    if (method === 'object' && first !== undefined && ts.isObjectLiteralExpression(first)) {
      for (const property of first.properties) {
        if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
        const keyPath = [...path, 'properties', property.name.text];
        const helper = baseConstant(property.initializer);
        const texts = [jsDocOf(property) ?? (helper !== undefined && unitNotes[helper] === undefined ? jsDocOf(constants.get(helper)!) : undefined)];
        if (helper !== undefined && unitNotes[helper] !== undefined) texts.push(unitNotes[helper]);
        const text = texts.filter((part): part is string => part !== undefined).join(' ');
        if (text !== '') docs.push([keyPath, text]);
        visit(property.initializer, keyPath, seen);
      }
    } else if (method === 'array' && first !== undefined) {
      visit(first, [...path, 'items'], seen);
    } else if (method === 'record' && second !== undefined) {
      visit(second, [...path, 'additionalProperties'], seen);
    }
  };
  visit(root.initializer, [], new Set(['rulesSchema']));
  return docs;
}

function jsDocOf(node: ts.Node): string | undefined {
  const texts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment)?.replace(/\s+/g, ' ').trim() ?? '')
    .filter((text) => text !== '');
  return texts.length === 0 ? undefined : texts.join(' ');
}

/** The schema node at `path`, looking through `anyOf` alternatives (nullable keys) when a step is not found directly. */
function nodeAt(schema: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const step of path) {
    if (node === undefined) return undefined;
    const current: JsonSchema = node;
    const direct = current[step];
    if (isSchema(direct)) {
      node = direct;
      continue;
    }
    const alternatives: unknown[] = Array.isArray(current.anyOf) ? current.anyOf : [];
    node = alternatives.map((alternative) => (isSchema(alternative) ? alternative[step] : undefined)).find(isSchema);
  }
  return node;
}

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(paths.schema, renderRulesSchema());
  process.stdout.write(`wrote ${paths.schema}\n`);
}

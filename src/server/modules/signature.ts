import ts from 'typescript';
import { z } from 'zod';
import {
  jsDocText,
  primitiveSchema,
  typeNodeToSchema,
  UnsupportedTypeError,
  type TypeDeclarations,
} from './type-schema.js';

/** How a request body is handed to a signature-style function. */
export type CallStyle =
  /** `(name: string, age?: number)`: body keys map to parameters by name, in order. */
  | 'positional'
  /** `({ name, age }: { name: string; age?: number })`: the body is the single argument. */
  | 'object';

export interface FunctionSignature {
  description?: string;
  callStyle: CallStyle;
  /** Parameter (or property) names in declaration order. */
  names: string[];
  /** A closed object schema of the body: unknown keys are refused. */
  schema: z.ZodType;
  /** Where the function is, 1-based. */
  line: number;
  column: number;
}

export interface SignatureProblem {
  message: string;
  line: number;
  column: number;
}

export type SignatureResult = FunctionSignature | SignatureProblem;

export const isSignatureProblem = (result: SignatureResult): result is SignatureProblem =>
  !('schema' in result);

/**
 * Reads the signatures of the functions a module wraps in `apiFunction(...)`, keyed by exported
 * name, as FastAPI reads type hints. Any `export const NAME = someCall(..., fn)` is read; which
 * of them are really API functions is decided at load time by the runtime marker.
 */
export function readSignatures(fileName: string, sourceText: string): Map<string, SignatureResult> {
  const source = ts.createSourceFile(
    fileName,
    sourceText,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(fileName),
  );
  const declarations: TypeDeclarations = new Map();
  const functions = new Map<string, ts.SignatureDeclaration>();
  const localCalls = new Map<string, { statement: ts.VariableStatement; call: ts.CallExpression }>();
  const exportedAs = new Map<string, string>(); // exported name -> local name

  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
      declarations.set(statement.name.text, statement);
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      functions.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const name = declaration.name.text;
        const initializer = unwrap(declaration.initializer);
        if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) {
          functions.set(name, initializer);
        } else if (ts.isCallExpression(initializer)) {
          localCalls.set(name, { statement, call: initializer });
          if (exported) exportedAs.set(name, name);
        }
      }
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          exportedAs.set(element.name.text, (element.propertyName ?? element.name).text);
        }
      }
    }
  }

  const results = new Map<string, SignatureResult>();
  for (const [exportName, localName] of exportedAs) {
    const found = localCalls.get(localName);
    if (!found) continue;
    const last = found.call.arguments.at(-1);
    const target = last && unwrap(last);
    let fn: ts.SignatureDeclaration | undefined;
    if (target && (ts.isArrowFunction(target) || ts.isFunctionExpression(target))) fn = target;
    else if (target && ts.isIdentifier(target)) fn = functions.get(target.text);
    const description = jsDocText(found.statement) ?? (fn && jsDocText(fn));
    if (!fn) {
      results.set(
        exportName,
        problem(
          found.call,
          "cannot read the function's parameters: write it inline in apiFunction(...), name a function declared in this file, or use zod params",
        ),
      );
      continue;
    }
    try {
      results.set(exportName, describeFunction(fn, declarations, description, found.statement));
    } catch (error) {
      if (!(error instanceof UnsupportedTypeError)) throw error;
      results.set(exportName, problem(error.node, error.message));
    }
  }
  return results;
}

function describeFunction(
  fn: ts.SignatureDeclaration,
  declarations: TypeDeclarations,
  description: string | undefined,
  docHost: ts.Node,
): FunctionSignature {
  const start = position(fn);
  const params = fn.parameters;
  const first = params[0];
  if (params.length === 1 && first && ts.isObjectBindingPattern(first.name)) {
    return { description, callStyle: 'object', ...objectParameter(first, declarations), ...start };
  }
  const shape: Record<string, z.ZodType> = {};
  for (const param of params) {
    if (param.dotDotDotToken)
      throw new UnsupportedTypeError('rest parameters cannot come from a JSON body', param);
    if (!ts.isIdentifier(param.name)) {
      throw new UnsupportedTypeError(
        'destructure only a single object parameter: ({ a, b }: { a: string; b: number })',
        param,
      );
    }
    const name = param.name.text;
    shape[name] = parameterSchema(
      param.type,
      param.initializer,
      !!param.questionToken,
      declarations,
      paramDoc(param, docHost),
    );
  }
  return {
    description,
    callStyle: 'positional',
    names: Object.keys(shape),
    schema: z.strictObject(shape),
    ...start,
  };
}

/** `({ a, b = 1 }: { a: string; b?: number })`: the body's schema is the declared object type. */
function objectParameter(param: ts.ParameterDeclaration, declarations: TypeDeclarations) {
  const pattern = param.name as ts.ObjectBindingPattern;
  const defaults = new Map<string, ts.Expression | undefined>();
  for (const element of pattern.elements) {
    const key = element.propertyName ?? element.name;
    if (element.dotDotDotToken || !ts.isIdentifier(key)) {
      throw new UnsupportedTypeError(
        'rest or computed names in the destructured parameter are not supported',
        element,
      );
    }
    defaults.set(key.text, element.initializer);
  }
  if (param.type) {
    let schema = typeNodeToSchema(param.type, declarations);
    if (!(schema instanceof z.ZodObject)) {
      throw new UnsupportedTypeError('a destructured parameter must have an object type', param.type);
    }
    const shape: Record<string, z.ZodType> = { ...schema.shape };
    for (const [name, initializer] of defaults) {
      const property = shape[name];
      if (property && initializer) shape[name] = withDefault(property.optional(), initializer);
    }
    schema = z.strictObject(shape);
    return { names: Object.keys(shape), schema };
  }
  const shape: Record<string, z.ZodType> = {};
  for (const [name, initializer] of defaults) {
    shape[name] = parameterSchema(undefined, initializer, false, declarations, undefined);
  }
  return { names: Object.keys(shape), schema: z.strictObject(shape) };
}

function parameterSchema(
  type: ts.TypeNode | undefined,
  initializer: ts.Expression | undefined,
  questionToken: boolean,
  declarations: TypeDeclarations,
  description: string | undefined,
): z.ZodType {
  let schema = type ? typeNodeToSchema(type, declarations) : inferFromDefault(initializer);
  if (initializer) schema = withDefault(schema.optional(), initializer);
  else if (questionToken) schema = schema.optional();
  return description ? schema.describe(description) : schema;
}

/** An unannotated parameter takes any JSON value, unless a literal default says its type. */
function inferFromDefault(initializer: ts.Expression | undefined): z.ZodType {
  const value = initializer ? literalValue(initializer) : undefined;
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? primitiveSchema(type) : z.unknown();
}

/**
 * The default stays JavaScript's own (the function receives `undefined` and applies it); a
 * literal default is also recorded in the JSON Schema for the registry and the panel.
 */
function withDefault(schema: z.ZodType, initializer: ts.Expression): z.ZodType {
  const value = literalValue(initializer);
  return value === undefined ? schema : schema.meta({ default: value });
}

const NOT_LITERAL = undefined;

/** The JSON value of a literal expression, or undefined when it is computed. */
export function literalValue(node: ts.Expression): unknown {
  node = unwrap(node);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(node.operand)
  ) {
    return -Number(node.operand.text);
  }
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map((element) => literalValue(element));
    return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const result: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property) || ts.isComputedPropertyName(property.name)) return NOT_LITERAL;
      const value = literalValue(property.initializer);
      if (value === NOT_LITERAL) return NOT_LITERAL;
      result[property.name.text] = value;
    }
    return result;
  }
  return NOT_LITERAL;
}

/** The `@param name text` of a parameter, from the JSDoc of the function or of its export. */
function paramDoc(param: ts.ParameterDeclaration, docHost: ts.Node | undefined): string | undefined {
  const name = (param.name as ts.Identifier).text;
  const tags = [...ts.getJSDocParameterTags(param), ...(docHost ? ts.getJSDocTags(docHost) : [])];
  const tag = tags.find(
    (candidate): candidate is ts.JSDocParameterTag =>
      ts.isJSDocParameterTag(candidate) && candidate.name.getText() === name,
  );
  const comment = tag?.comment;
  const text = typeof comment === 'string' ? comment : comment && ts.getTextOfJSDocComment(comment);
  return text?.replace(/^-\s*/, '').trim() || undefined;
}

function unwrap(node: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

function position(node: ts.Node) {
  const source = node.getSourceFile();
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return { line: line + 1, column: character + 1 };
}

function problem(node: ts.Node, message: string): SignatureProblem {
  return { message, ...position(node) };
}

function scriptKind(fileName: string): ts.ScriptKind {
  return /\.m?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

import ts from 'typescript';
import {
  optional,
  type FunctionSignature,
  type PropertyIR,
  type SignatureProblem,
  type SignatureResult,
  type TypeIR,
} from './type-ir.js';
import {
  jsDocText,
  literalValue,
  readType,
  unwrap,
  UnsupportedTypeError,
  type TypeDeclarations,
} from './type-reader.js';

/**
 * Reads the signatures of the functions a module wraps in `apiFunction(...)`, keyed by exported
 * name, as FastAPI reads type hints. Any `export const NAME = someCall(..., fn)` is read; which
 * of them are really API functions is decided at load time by the runtime marker. Runs on the
 * main thread (parsing executes no user code); the result is plain data for the workers.
 */
export function readSignatures(fileName: string, sourceText: string): Record<string, SignatureResult> {
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

  const results: Record<string, SignatureResult> = {};
  for (const [exportName, localName] of exportedAs) {
    const found = localCalls.get(localName);
    if (!found) continue;
    const last = found.call.arguments.at(-1);
    const target = last && unwrap(last);
    let fn: ts.SignatureDeclaration | undefined;
    if (target && (ts.isArrowFunction(target) || ts.isFunctionExpression(target))) fn = target;
    else if (target && ts.isIdentifier(target)) fn = functions.get(target.text);
    if (!fn) {
      results[exportName] = problem(
        found.call,
        "cannot read the function's parameters: write it inline in apiFunction(...), name a function declared in this file, or use zod params",
      );
      continue;
    }
    try {
      const description = jsDocText(found.statement) ?? jsDocText(fn);
      results[exportName] = readFunction(fn, declarations, description, found.statement);
    } catch (error) {
      if (!(error instanceof UnsupportedTypeError)) throw error;
      results[exportName] = problem(error.node, error.message);
    }
  }
  return results;
}

function readFunction(
  fn: ts.SignatureDeclaration,
  declarations: TypeDeclarations,
  description: string | undefined,
  docHost: ts.Node,
): FunctionSignature {
  const start = { kind: 'signature' as const, description, ...position(fn) };
  const params = fn.parameters;
  const first = params[0];
  if (params.length === 1 && first && ts.isObjectBindingPattern(first.name)) {
    return { ...start, callStyle: 'object', body: objectParameter(first, declarations) };
  }
  const properties = params.map((param): PropertyIR => {
    if (param.dotDotDotToken)
      throw new UnsupportedTypeError('rest parameters cannot come from a JSON body', param);
    if (!ts.isIdentifier(param.name)) {
      throw new UnsupportedTypeError(
        'destructure only a single object parameter: ({ a, b }: { a: string; b: number })',
        param,
      );
    }
    return {
      ...parameter(param.name.text, param.type, param.initializer, !!param.questionToken, declarations),
      description: paramDoc(param, docHost),
    };
  });
  return { ...start, callStyle: 'positional', body: { kind: 'object', properties, text: 'object' } };
}

/** `({ a, b = 1 }: { a: string; b?: number })`: the body is the declared object type. */
function objectParameter(param: ts.ParameterDeclaration, declarations: TypeDeclarations) {
  const pattern = param.name as ts.ObjectBindingPattern;
  const initializers = new Map<string, ts.Expression | undefined>();
  for (const element of pattern.elements) {
    const key = element.propertyName ?? element.name;
    if (element.dotDotDotToken || !ts.isIdentifier(key)) {
      throw new UnsupportedTypeError(
        'rest or computed names in the destructured parameter are not supported',
        element,
      );
    }
    initializers.set(key.text, element.initializer);
  }
  if (!param.type) {
    const properties = [...initializers].map(([name, initializer]) =>
      parameter(name, undefined, initializer, false, declarations),
    );
    return { kind: 'object' as const, properties, text: 'object' };
  }
  const type = readType(param.type, declarations);
  if (type.kind !== 'object') {
    throw new UnsupportedTypeError('a destructured parameter must have an object type', param.type);
  }
  const properties = type.properties.map((property) => {
    const initializer = initializers.get(property.name);
    return initializer ? { ...property, ...withDefault(optional(property.type), initializer) } : property;
  });
  return { ...type, properties };
}

function parameter(
  name: string,
  type: ts.TypeNode | undefined,
  initializer: ts.Expression | undefined,
  questionToken: boolean,
  declarations: TypeDeclarations,
): PropertyIR {
  const read = type ? readType(type, declarations) : inferFromDefault(initializer);
  if (initializer) return { name, ...withDefault(optional(read), initializer) };
  return { name, type: questionToken ? optional(read) : read };
}

/** An unannotated parameter takes any JSON value, unless a literal default says its type. */
function inferFromDefault(initializer: ts.Expression | undefined): TypeIR {
  const value = initializer ? literalValue(initializer) : undefined;
  const kind = typeof value;
  return kind === 'string' || kind === 'number' || kind === 'boolean'
    ? { kind, text: kind }
    : { kind: 'unknown', text: 'unknown' };
}

/**
 * The default stays JavaScript's own (the function receives `undefined` and applies it); a
 * literal default is also recorded in the JSON Schema for the registry and the panel.
 */
function withDefault(type: TypeIR, initializer: ts.Expression): Pick<PropertyIR, 'type' | 'default'> {
  const value = literalValue(initializer);
  return value === undefined ? { type } : { type, default: { value } };
}

/** The `@param name text` of a parameter, from the JSDoc of the function or of its export. */
function paramDoc(param: ts.ParameterDeclaration, docHost: ts.Node): string | undefined {
  const name = (param.name as ts.Identifier).text;
  const tags = [...ts.getJSDocParameterTags(param), ...ts.getJSDocTags(docHost)];
  const tag = tags.find(
    (candidate): candidate is ts.JSDocParameterTag =>
      ts.isJSDocParameterTag(candidate) && candidate.name.getText() === name,
  );
  const comment = tag?.comment;
  const text = typeof comment === 'string' ? comment : comment && ts.getTextOfJSDocComment(comment);
  return text?.replace(/^-\s*/, '').trim() || undefined;
}

function position(node: ts.Node) {
  const source = node.getSourceFile();
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return { line: line + 1, column: character + 1 };
}

function problem(node: ts.Node, message: string): SignatureProblem {
  return { kind: 'problem', message, ...position(node) };
}

function scriptKind(fileName: string): ts.ScriptKind {
  return /\.m?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

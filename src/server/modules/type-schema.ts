import ts from 'typescript';
import { z } from 'zod';

/** A parameter's type that has no JSON counterpart, with where it is written. */
export class UnsupportedTypeError extends Error {
  constructor(
    message: string,
    readonly node: ts.Node,
  ) {
    super(message);
    this.name = 'UnsupportedTypeError';
  }
}

/** Local `type X = ...` and `interface X {...}` declarations a parameter type may name. */
export type TypeDeclarations = Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>;

/**
 * Turns a parameter's type annotation into a zod schema, as FastAPI turns type hints into
 * validation: JSON's types, literal unions, arrays, tuples, records and object literal types
 * (closed: unknown keys are refused), following local type aliases and interfaces.
 * `undefined` in a union makes the value optional.
 */
export function typeNodeToSchema(
  node: ts.TypeNode,
  declarations: TypeDeclarations,
  seen: ReadonlySet<string> = new Set(),
): z.ZodType {
  const text = node.getText();
  const typed = <T extends z.ZodType>(schema: T) => withMessage(schema, text);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return primitiveSchema('string');
    case ts.SyntaxKind.NumberKeyword:
      return primitiveSchema('number');
    case ts.SyntaxKind.BooleanKeyword:
      return primitiveSchema('boolean');
    case ts.SyntaxKind.NullKeyword:
      return typed(z.null());
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.VoidKeyword:
      return z.undefined();
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return z.unknown();
    case ts.SyntaxKind.ObjectKeyword:
      return typed(z.record(z.string(), z.unknown()));
  }
  if (ts.isParenthesizedTypeNode(node)) return typeNodeToSchema(node.type, declarations, seen);
  if (ts.isLiteralTypeNode(node)) return typed(literalSchema(node));
  if (ts.isArrayTypeNode(node)) {
    return typed(z.array(typeNodeToSchema(node.elementType, declarations, seen)));
  }
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) {
    return typeNodeToSchema(node.type, declarations, seen);
  }
  if (ts.isTupleTypeNode(node)) {
    const items = node.elements.map((element) => {
      if (ts.isNamedTupleMember(element)) return typeNodeToSchema(element.type, declarations, seen);
      if (ts.isRestTypeNode(element) || ts.isOptionalTypeNode(element)) {
        throw new UnsupportedTypeError(`tuple element "${element.getText()}" is not supported`, element);
      }
      return typeNodeToSchema(element, declarations, seen);
    });
    return typed(z.tuple(items as [z.ZodType, ...z.ZodType[]]));
  }
  if (ts.isUnionTypeNode(node)) return unionSchema(node, declarations, seen);
  if (ts.isTypeLiteralNode(node)) {
    return typed(objectSchema(node.members, declarations, seen));
  }
  if (ts.isTypeReferenceNode(node)) return referenceSchema(node, declarations, seen);
  throw new UnsupportedTypeError(
    `type "${text}" has no JSON form; use string, number, boolean, null, literals, arrays or object types, or zod params`,
    node,
  );
}

function literalSchema(node: ts.LiteralTypeNode): z.ZodType {
  const literal = node.literal;
  if (literal.kind === ts.SyntaxKind.NullKeyword) return z.null();
  if (literal.kind === ts.SyntaxKind.TrueKeyword) return z.literal(true);
  if (literal.kind === ts.SyntaxKind.FalseKeyword) return z.literal(false);
  if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) {
    return z.literal(literal.text);
  }
  if (ts.isNumericLiteral(literal)) return z.literal(Number(literal.text));
  if (
    ts.isPrefixUnaryExpression(literal) &&
    literal.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(literal.operand)
  ) {
    return z.literal(-Number(literal.operand.text));
  }
  throw new UnsupportedTypeError(`literal type "${node.getText()}" is not supported`, node);
}

function unionSchema(node: ts.UnionTypeNode, declarations: TypeDeclarations, seen: ReadonlySet<string>) {
  const isUndefined = (member: ts.TypeNode) =>
    member.kind === ts.SyntaxKind.UndefinedKeyword || member.kind === ts.SyntaxKind.VoidKeyword;
  const members = node.types.filter((member) => !isUndefined(member));
  const optional = members.length < node.types.length;
  const stringLiterals = members.every(
    (member) => ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal),
  );
  let schema: z.ZodType;
  if (stringLiterals) {
    const values = members.map((member) => ((member as ts.LiteralTypeNode).literal as ts.StringLiteral).text);
    schema = z.enum(values as [string, ...string[]]);
  } else if (members.length === 1) {
    schema = typeNodeToSchema(members[0]!, declarations, seen);
  } else {
    schema = z.union(members.map((member) => typeNodeToSchema(member, declarations, seen)));
  }
  schema = withMessage(schema, members.map((member) => member.getText()).join(' | '));
  return optional ? schema.optional() : schema;
}

function objectSchema(
  members: ts.NodeArray<ts.TypeElement>,
  declarations: TypeDeclarations,
  seen: ReadonlySet<string>,
): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const member of members) {
    if (ts.isIndexSignatureDeclaration(member) && members.length === 1) {
      return z.record(z.string(), typeNodeToSchema(member.type, declarations, seen));
    }
    if (!ts.isPropertySignature(member) || !member.type) {
      throw new UnsupportedTypeError(
        `object member "${member.getText()}" is not supported: use "name: type" properties`,
        member,
      );
    }
    const name = propertyName(member.name);
    let schema = typeNodeToSchema(member.type, declarations, seen);
    if (member.questionToken) schema = schema.optional();
    const description = jsDocText(member);
    shape[name] = description ? schema.describe(description) : schema;
  }
  return z.strictObject(shape);
}

function referenceSchema(
  node: ts.TypeReferenceNode,
  declarations: TypeDeclarations,
  seen: ReadonlySet<string>,
): z.ZodType {
  const name = node.typeName.getText();
  const args = node.typeArguments ?? [];
  if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) {
    return withMessage(z.array(typeNodeToSchema(args[0]!, declarations, seen)), node.getText());
  }
  if (name === 'Record' && args.length === 2 && args[0]!.kind === ts.SyntaxKind.StringKeyword) {
    return withMessage(z.record(z.string(), typeNodeToSchema(args[1]!, declarations, seen)), node.getText());
  }
  const declaration = declarations.get(name);
  if (declaration && args.length === 0) {
    if (seen.has(name)) {
      throw new UnsupportedTypeError(
        `type "${name}" refers to itself; use zod params for recursive types`,
        node,
      );
    }
    const inner = new Set(seen).add(name);
    if (ts.isTypeAliasDeclaration(declaration))
      return typeNodeToSchema(declaration.type, declarations, inner);
    if (declaration.heritageClauses?.length) {
      throw new UnsupportedTypeError(
        `interface "${name}" extends another; write its members out or use zod params`,
        node,
      );
    }
    return withMessage(objectSchema(declaration.members, declarations, inner), name);
  }
  throw new UnsupportedTypeError(
    `type "${node.getText()}" cannot be read from this file; declare it here as a type or interface, or use zod params`,
    node,
  );
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  throw new UnsupportedTypeError(`computed property "${name.getText()}" is not supported`, name);
}

/** The schema of a JSON primitive, refusing other types with a message naming it. */
export function primitiveSchema(type: 'string' | 'number' | 'boolean'): z.ZodType {
  const base = type === 'string' ? z.string() : type === 'number' ? z.number() : z.boolean();
  return withMessage(base, type);
}

/** Every schema built from a type says, when refused, which type it expected. */
function withMessage<T extends z.ZodType>(schema: T, typeText: string): T {
  return schema.clone({
    ...schema._zod.def,
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? 'Missing required parameter'
        : `Expected ${typeText}, received ${describeValue(issue.input)}`,
  }) as T;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

/** The text of the JSDoc comment attached to a node, without tags. */
export function jsDocText(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const doc = docs?.[docs.length - 1];
  if (!doc?.comment) return undefined;
  const text = typeof doc.comment === 'string' ? doc.comment : ts.getTextOfJSDocComment(doc.comment);
  return text?.trim() || undefined;
}

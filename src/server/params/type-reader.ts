import ts from 'typescript';
import { optional, type PropertyIR, type TypeIR } from './type-ir.js';

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

const KEYWORDS: Partial<Record<ts.SyntaxKind, TypeIR['kind']>> = {
  [ts.SyntaxKind.StringKeyword]: 'string',
  [ts.SyntaxKind.NumberKeyword]: 'number',
  [ts.SyntaxKind.BooleanKeyword]: 'boolean',
  [ts.SyntaxKind.NullKeyword]: 'null',
  [ts.SyntaxKind.UndefinedKeyword]: 'undefined',
  [ts.SyntaxKind.VoidKeyword]: 'undefined',
  [ts.SyntaxKind.AnyKeyword]: 'unknown',
  [ts.SyntaxKind.UnknownKeyword]: 'unknown',
  [ts.SyntaxKind.ObjectKeyword]: 'object-any',
};

/**
 * Reads a parameter's type annotation as FastAPI reads type hints: JSON's types, literal
 * unions, arrays, tuples, records and object literal types, following local type aliases and
 * interfaces. `undefined` in a union makes the value optional.
 */
export function readType(
  node: ts.TypeNode,
  declarations: TypeDeclarations,
  seen = new Set<string>(),
): TypeIR {
  const text = node.getText();
  const keyword = KEYWORDS[node.kind];
  if (keyword) return { kind: keyword, text } as TypeIR;
  if (ts.isParenthesizedTypeNode(node)) return readType(node.type, declarations, seen);
  if (ts.isLiteralTypeNode(node)) return readLiteral(node);
  if (ts.isArrayTypeNode(node))
    return { kind: 'array', items: readType(node.elementType, declarations, seen), text };
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) {
    return readType(node.type, declarations, seen);
  }
  if (ts.isTupleTypeNode(node)) {
    const items = node.elements.map((element) => {
      if (ts.isNamedTupleMember(element) && !element.dotDotDotToken && !element.questionToken) {
        return readType(element.type, declarations, seen);
      }
      if (ts.isRestTypeNode(element) || ts.isOptionalTypeNode(element) || ts.isNamedTupleMember(element)) {
        throw new UnsupportedTypeError(`tuple element "${element.getText()}" is not supported`, element);
      }
      return readType(element, declarations, seen);
    });
    return { kind: 'tuple', items, text };
  }
  if (ts.isUnionTypeNode(node)) return readUnion(node, declarations, seen);
  if (ts.isTypeLiteralNode(node)) return readMembers(node.members, text, declarations, seen);
  if (ts.isTypeReferenceNode(node)) return readReference(node, declarations, seen);
  throw new UnsupportedTypeError(
    `type "${text}" has no JSON form; use string, number, boolean, null, literals, arrays or object types, or zod params`,
    node,
  );
}

function readLiteral(node: ts.LiteralTypeNode): TypeIR {
  const literal = node.literal;
  const text = node.getText();
  if (literal.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null', text };
  if (literal.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'literal', value: true, text };
  if (literal.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'literal', value: false, text };
  if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) {
    return { kind: 'literal', value: literal.text, text };
  }
  const value = literalValue(literal as ts.Expression);
  if (typeof value === 'number') return { kind: 'literal', value, text };
  throw new UnsupportedTypeError(`literal type "${text}" is not supported`, node);
}

function readUnion(node: ts.UnionTypeNode, declarations: TypeDeclarations, seen: Set<string>): TypeIR {
  const isUndefined = (member: ts.TypeNode) => KEYWORDS[member.kind] === 'undefined';
  const members = node.types.filter((member) => !isUndefined(member));
  const text = members.map((member) => member.getText()).join(' | ');
  const strings = members.every(
    (member) => ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal),
  );
  let type: TypeIR;
  if (strings) {
    const values = members.map((member) => ((member as ts.LiteralTypeNode).literal as ts.StringLiteral).text);
    type = { kind: 'enum', values, text };
  } else if (members.length === 1) {
    type = readType(members[0]!, declarations, seen);
  } else {
    type = { kind: 'union', members: members.map((member) => readType(member, declarations, seen)), text };
  }
  return members.length < node.types.length ? optional(type) : type;
}

function readMembers(
  members: ts.NodeArray<ts.TypeElement>,
  text: string,
  declarations: TypeDeclarations,
  seen: Set<string>,
): TypeIR {
  const only = members[0];
  if (members.length === 1 && only && ts.isIndexSignatureDeclaration(only)) {
    return { kind: 'record', values: readType(only.type, declarations, seen), text };
  }
  const properties: PropertyIR[] = members.map((member) => {
    if (!ts.isPropertySignature(member) || !member.type) {
      throw new UnsupportedTypeError(
        `object member "${member.getText()}" is not supported: use "name: type" properties`,
        member,
      );
    }
    const type = readType(member.type, declarations, seen);
    return {
      name: propertyName(member.name),
      type: member.questionToken ? optional(type) : type,
      description: jsDocText(member),
    };
  });
  return { kind: 'object', properties, text };
}

function readReference(
  node: ts.TypeReferenceNode,
  declarations: TypeDeclarations,
  seen: Set<string>,
): TypeIR {
  const name = node.typeName.getText();
  const text = node.getText();
  const args = node.typeArguments ?? [];
  if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) {
    return { kind: 'array', items: readType(args[0]!, declarations, seen), text };
  }
  if (name === 'Record' && args.length === 2 && args[0]!.kind === ts.SyntaxKind.StringKeyword) {
    return { kind: 'record', values: readType(args[1]!, declarations, seen), text };
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
    if (ts.isTypeAliasDeclaration(declaration)) return readType(declaration.type, declarations, inner);
    if (declaration.heritageClauses?.length) {
      throw new UnsupportedTypeError(
        `interface "${name}" extends another; write its members out or use zod params`,
        node,
      );
    }
    return readMembers(declaration.members, name, declarations, inner);
  }
  throw new UnsupportedTypeError(
    `type "${text}" cannot be read from this file; declare it here as a type or interface, or use zod params`,
    node,
  );
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  throw new UnsupportedTypeError(`computed property "${name.getText()}" is not supported`, name);
}

/** The text of the JSDoc comment attached to a node, without tags. */
export function jsDocText(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const doc = docs?.[docs.length - 1];
  if (!doc?.comment) return undefined;
  const text = typeof doc.comment === 'string' ? doc.comment : ts.getTextOfJSDocComment(doc.comment);
  return text?.trim() || undefined;
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

/** An expression without the parentheses, `as`, `satisfies` and `<T>` around it. */
export function unwrap(node: ts.Expression): ts.Expression {
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

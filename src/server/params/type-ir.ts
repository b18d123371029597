/**
 * A parameter type as plain data: what the TypeScript parser reads on the main thread and a
 * worker turns into a zod schema (`ir-schema.ts`). Plain data because it crosses threads.
 * `text` is the type as written, for error messages ("Expected 'a' | 'b', received ...").
 */
export type TypeIR =
  | { kind: 'string' | 'number' | 'boolean' | 'null' | 'unknown' | 'undefined'; text: string }
  | { kind: 'object-any'; text: string }
  | { kind: 'literal'; value: string | number | boolean; text: string }
  | { kind: 'enum'; values: string[]; text: string }
  | { kind: 'array'; items: TypeIR; text: string }
  | { kind: 'tuple'; items: TypeIR[]; text: string }
  | { kind: 'record'; values: TypeIR; text: string }
  | { kind: 'object'; properties: PropertyIR[]; text: string }
  | { kind: 'union'; members: TypeIR[]; text: string }
  | { kind: 'optional'; inner: TypeIR; text: string };

export interface PropertyIR {
  name: string;
  type: TypeIR;
  description?: string;
  /** Present when the default is a literal: recorded in the JSON Schema. */
  default?: { value: unknown };
}

export type ObjectIR = Extract<TypeIR, { kind: 'object' }>;

/** How a request body is handed to a signature-style function. */
export type CallStyle =
  /** `(name: string, age?: number)`: body keys map to parameters by name, in order. */
  | 'positional'
  /** `({ name, age }: { name: string; age?: number })`: the body is the single argument. */
  | 'object';

export interface FunctionSignature {
  kind: 'signature';
  description?: string;
  callStyle: CallStyle;
  /** The body: a closed object, one property per parameter, in declaration order. */
  body: ObjectIR;
  /** Where the function is, 1-based. */
  line: number;
  column: number;
}

export interface SignatureProblem {
  kind: 'problem';
  message: string;
  line: number;
  column: number;
}

export type SignatureResult = FunctionSignature | SignatureProblem;

export const optional = (inner: TypeIR): TypeIR =>
  inner.kind === 'optional' ? inner : { kind: 'optional', inner, text: inner.text };

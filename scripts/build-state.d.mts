// Types of build-state.mjs, for the tests (the script itself runs as plain JavaScript).
export const BUILD_INPUTS: string[];
export function buildOutputs(root: string): string[];
export function buildReason(root: string): string | undefined;

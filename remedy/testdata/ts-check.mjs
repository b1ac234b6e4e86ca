// Type-checks TypeScript files the way a strict project would (strict: true,
// Node's types), printing every error as file:line:column and exiting 1 if
// there was any. Modules that are not installed (the AWS SDK, node-vault)
// are allowed to be missing: their imports are then untyped, and everything
// else is still checked.
//
// Usage: LEAKHOOK_NODE_TOOLS=DIR node ts-check.mjs FILE.mts...
// where DIR holds node_modules/typescript and node_modules/@types/node
// (npm install typescript @types/node).
import { createRequire } from 'node:module';
import path from 'node:path';

const tools = process.env.LEAKHOOK_NODE_TOOLS;
const ts = createRequire(tools + '/')('typescript');
const program = ts.createProgram(process.argv.slice(2), {
	strict: true,
	noEmit: true,
	skipLibCheck: true,
	target: ts.ScriptTarget.ES2022,
	module: ts.ModuleKind.NodeNext,
	moduleResolution: ts.ModuleResolutionKind.NodeNext,
	types: ['node'],
	typeRoots: [path.join(tools, 'node_modules', '@types')],
});
const missingModule = new Set([2307, 7016]); // cannot find module / no declaration file
let failed = false;
for (const d of ts.getPreEmitDiagnostics(program)) {
	if (missingModule.has(d.code)) continue;
	failed = true;
	const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
	if (d.file) {
		const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
		console.log(`${d.file.fileName}:${line + 1}:${character + 1}: TS${d.code}: ${msg}`);
	} else {
		console.log(`TS${d.code}: ${msg}`);
	}
}
process.exit(failed ? 1 : 0);

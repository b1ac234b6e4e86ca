// Syntax-checks C# files with tree-sitter's C# grammar (WebAssembly, so no
// .NET SDK and no NuGet packages are needed): prints every syntax error as
// file:line:column and exits 1 if there was any.
//
// Usage: LEAKHOOK_NODE_TOOLS=DIR node csharp-syntax.mjs FILE...
// where DIR holds node_modules/web-tree-sitter and node_modules/tree-sitter-c-sharp
// (npm install web-tree-sitter tree-sitter-c-sharp).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(process.env.LEAKHOOK_NODE_TOOLS + '/');
const { Parser, Language } = await import(pathToFileURL(require.resolve('web-tree-sitter')).href);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(require.resolve('tree-sitter-c-sharp/tree-sitter-c_sharp.wasm')));

let failed = false;
for (const file of process.argv.slice(2)) {
	const tree = parser.parse(readFileSync(file, 'utf8'));
	if (!tree.rootNode.hasError) continue;
	failed = true;
	const visit = (n) => {
		if (n.isError || n.isMissing) {
			const at = `${file}:${n.startPosition.row + 1}:${n.startPosition.column + 1}`;
			console.log(n.isMissing ? `${at}: missing ${n.type}` : `${at}: syntax error near ${JSON.stringify(n.text.slice(0, 40))}`);
		}
		n.children.forEach(visit);
	};
	visit(tree.rootNode);
}
process.exit(failed ? 1 : 0);

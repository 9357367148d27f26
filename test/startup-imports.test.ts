// What the lesson UI loads before its first frame: the modules reachable by static
// imports from the CLI and the UI's entry. marked and highlight.js are loaded
// later (see src/ui/useRenderers.ts), and the lesson view and the help once the
// picker is on screen (see src/ui/App.tsx), so the first frame never waits for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Project files reached from `entry` by static imports that are not only for types. */
const reached = new Set<string>();

/** Packages imported, statically and not only for types, by `entry` and every project file it reaches that way. */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    reached.add(path.slice(ROOT.length));
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of file.statements) {
      const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
      const isExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly;
      if (!isImport && !isExport) continue;
      const specifier = (statement.moduleSpecifier as ts.StringLiteral | undefined)?.text;
      if (!specifier) continue;
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const target = resolve(dirname(path), specifier).replace(/\.js$/, '');
      const found = ['.ts', '.tsx'].map((extension) => target + extension).find((candidate) => existsSync(candidate));
      if (found) visit(found);
    }
  };
  visit(resolve(ROOT, entry));
  return packages;
}

const isRenderLibrary = (name: string) => name === 'marked' || name.startsWith('highlight.js');

test('the lesson UI reaches its first frame without importing marked or highlight.js', () => {
  const startup = new Set([...staticPackages('src/cli/lesson.ts'), ...staticPackages('src/ui/main.tsx')]);
  assert.ok(startup.has('ink'), `the walk found Ink (${[...startup].join(', ')})`);
  assert.deepEqual([...startup].filter(isRenderLibrary), []);
});

test('nor protobufjs, grpc-js or the lesson session: the picker needs none of them', () => {
  reached.clear();
  const startup = new Set([...staticPackages('src/cli/lesson.ts'), ...staticPackages('src/ui/main.tsx')]);
  assert.ok(reached.has('src/ui/controller.ts'), [...reached].join(', '));
  assert.deepEqual(
    [...startup].filter((name) => name === 'protobufjs' || name.startsWith('@grpc/')),
    [],
  );
  assert.deepEqual(
    [...reached].filter((path) => path === 'src/runner/session.ts' || path === 'src/runner/child.ts'),
    [],
  );
});

test('nor the lesson view, the exercise view, their panes or the help: the App loads them once the first frame is out', () => {
  reached.clear();
  staticPackages('src/cli/lesson.ts');
  staticPackages('src/ui/main.tsx');
  assert.ok(reached.has('src/ui/Picker.tsx') && reached.has('src/ui/Footer.tsx'), [...reached].join(', '));
  const later = [
    'src/ui/LessonView.tsx',
    'src/ui/ExerciseView.tsx',
    'src/ui/Header.tsx',
    'src/ui/Help.tsx',
    'src/ui/Pane.tsx',
  ];
  assert.deepEqual(
    [...reached].filter((path) => later.includes(path)),
    [],
  );
});

test('the renderers loaded later do bring them in', () => {
  const later = staticPackages('src/ui/markdown.ts');
  assert.ok(later.has('marked') && later.has('highlight.js/lib/core'), [...later].join(', '));
});

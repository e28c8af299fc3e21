import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ArgvError, optionLines, parseOptions, programName, synopsis, type Options } from './args.ts';

const OPTIONS: Options = { input: { short: 'i', value: 'FILE', help: 'read FILE' }, force: { help: 'replace' } };

it('the program is named as it was run: the link `wiki`, or start-cluster compiled or from source', () => {
  assert.equal(programName('/usr/local/bin/wiki'), 'wiki');
  assert.equal(programName('/opt/wiki/dist/start-cluster.js'), 'start-cluster');
  assert.equal(programName('/src/wiki-appliance/start-cluster.ts'), 'start-cluster');
  assert.equal(programName(undefined), 'start-cluster');
});

it('one table gives the usage, the help lines and the parser', () => {
  assert.equal(synopsis(OPTIONS), '[-i FILE] [--force]');
  assert.deepEqual(optionLines(OPTIONS), ['  -i, --input FILE  read FILE', '  --force           replace']);
  assert.deepEqual({ ...parseOptions(['-i', 'x.sql', '--force'], OPTIONS).values }, { input: 'x.sql', force: true });
  for (const [argv, message] of [[['--output', 'x'], 'unknown option --output'], [['-o'], 'unknown option -o'], [['-i'], '-i/--input needs a FILE'],
    [['--force=yes'], '--force takes no value'], [['extra'], 'unexpected argument extra']] as const) {
    assert.throws(() => parseOptions([...argv], OPTIONS), (e: Error) => e instanceof ArgvError && e.message === message, argv.join(' '));
  }
  assert.deepEqual(parseOptions(['api'], {}, { maxPositionals: 1 }).positionals, ['api']);
});

// Preloaded into a real server process (`node --require record-reads.cjs dist/server.js`): every
// path the process asks the file system about (read, list, stat, open, resolve) is appended, one
// a line, to the file named by CERTBOOT_RECORD_READS, so a test can assert what the server read.
const fs = require('node:fs');

const log = process.env.CERTBOOT_RECORD_READS;
if (log) {
  const descriptor = fs.openSync(log, 'a');
  const record = (path) => {
    const text = typeof path === 'string' ? path : Buffer.isBuffer(path) ? path.toString() : path instanceof URL ? path.pathname : undefined;
    if (text !== undefined) fs.writeSync(descriptor, `${text}\n`);
  };
  const names = [
    'readFileSync',
    'readdirSync',
    'statSync',
    'lstatSync',
    'openSync',
    'existsSync',
    'accessSync',
    'opendirSync',
    'readlinkSync',
    'readFile',
    'readdir',
    'stat',
    'lstat',
    'open',
    'access',
  ];
  for (const name of names) {
    const original = fs[name];
    fs[name] = function recorded(path, ...rest) {
      record(path);
      return original.call(this, path, ...rest);
    };
  }
  const realpath = fs.realpathSync;
  const recordedRealpath = function recorded(path, ...rest) {
    record(path);
    return realpath.call(this, path, ...rest);
  };
  recordedRealpath.native = function recorded(path, ...rest) {
    record(path);
    return realpath.native.call(this, path, ...rest);
  };
  fs.realpathSync = recordedRealpath;
}

// Preloaded by the fuzzer into every certboot process it runs (`node --require fuzz-observe.cjs`):
// at exit, the process's peak resident set size in kilobytes and the CPU time it used in
// microseconds go to the file named by CERTBOOT_FUZZ_RSS (CPU time says what a run costs on a
// machine busy with other work, where wall time does not). A process killed by the kernel or by V8's out-of-memory abort writes
// nothing, which the fuzzer reports as a crash.
const fs = require('node:fs');

const file = process.env.CERTBOOT_FUZZ_RSS;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}\n`);
  });
}

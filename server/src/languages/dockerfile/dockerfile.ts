/** What certboot needs from a Dockerfile: the base image and the paths COPY/ADD write. */
export interface DockerfileSummary {
  /** The image of the last FROM (the stage that runs), as written. */
  readonly baseImage?: string;
  /** Absolute container paths written by COPY or ADD in that stage. */
  readonly copiedPaths: readonly string[];
}

/** Joins backslash-continued lines, drops comments; enough for FROM, COPY and ADD. */
function instructions(text: string): string[] {
  const result: string[] = [];
  let current = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    result.push(current + line);
    current = '';
  }
  if (current !== '') result.push(current);
  return result;
}

export function summarizeDockerfile(text: string): DockerfileSummary {
  let baseImage: string | undefined;
  let copiedPaths: string[] = [];
  let workingDirectory = '/';
  for (const instruction of instructions(text)) {
    const [keyword = '', ...words] = instruction.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const image = words.find((word) => !word.startsWith('--'));
      baseImage = image;
      copiedPaths = [];
      workingDirectory = '/';
    } else if (upper === 'WORKDIR' && words[0]) {
      workingDirectory = words[0].startsWith('/') ? words[0] : `${workingDirectory.replace(/\/$/, '')}/${words[0]}`;
    } else if (upper === 'COPY' || upper === 'ADD') {
      const operands = words.filter((word) => !word.startsWith('--'));
      let destination = operands[operands.length - 1];
      if (instruction.includes('[')) {
        const json = /\[(.*)\]/.exec(instruction)?.[1];
        const items = json ? json.split(',').map((item) => item.trim().replace(/^"|"$/g, '')) : [];
        destination = items[items.length - 1];
      }
      if (destination) copiedPaths.push(destination.startsWith('/') ? destination : `${workingDirectory.replace(/\/$/, '')}/${destination}`);
    }
  }
  return { baseImage, copiedPaths };
}

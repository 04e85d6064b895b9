import { strictEqual } from 'node:assert';
import { applyFileEdits } from '../../../server/src/fixes/apply-edits';
import { composeServiceEdits } from '../../../server/src/fixes/compose-file-editor';
import { loadComposeProject } from '../../../server/src/languages/compose/index';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';

const file = '/p/compose.yaml';

/** The compose file after mounting `volume` at /data in service `app` and declaring it; undefined when the editor refuses. */
function mounted(text: string, volume = 'data'): string | undefined {
  const project = loadComposeProject(new MemoryFileSystem({ [file]: text }), '/p');
  const edits = composeServiceEdits({ text: () => text }, project.documents, { name: 'app', nameLocation: { file } }, (editor) => {
    editor.appendItems('app', 'volumes', [`${volume}:/data`]);
    editor.declareVolume(volume);
  });
  return edits && (applyFileEdits(edits, () => text)[0]?.after ?? text);
}

describe('the compose file editor of fixes', () => {
  it('creates the top-level volumes at the end of the file, with the indentation of the services', () => {
    strictEqual(
      mounted('services:\n    app:\n        image: busybox'),
      'services:\n    app:\n        image: busybox\n        volumes:\n            - data:/data\nvolumes:\n    data:\n',
    );
  });

  it('indents a new list as the file indents its lists: flush with the key, or four spaces past it', () => {
    strictEqual(
      mounted('services:\n  web:\n    ports:\n    - "80:80"\n  app:\n    image: busybox\n'),
      'services:\n  web:\n    ports:\n    - "80:80"\n  app:\n    image: busybox\n    volumes:\n    - data:/data\nvolumes:\n  data:\n',
    );
    strictEqual(
      mounted('services:\n  web:\n    ports:\n        - "80:80"\n  app:\n    image: busybox\n'),
      'services:\n  web:\n    ports:\n        - "80:80"\n  app:\n    image: busybox\n    volumes:\n        - data:/data\nvolumes:\n  data:\n',
    );
  });

  it('appends to a block of volumes after its last entry, keeping comments and the entries as written', () => {
    strictEqual(
      mounted('services:\n  app:\n    image: busybox\n    volumes: [./a:/a]\n# kept\nvolumes:\n  logs:\n    driver: local\n'),
      'services:\n  app:\n    image: busybox\n    volumes: [./a:/a, data:/data]\n# kept\nvolumes:\n  logs:\n    driver: local\n  data:\n',
    );
  });

  it('fills an empty `volumes:` and a flow mapping', () => {
    strictEqual(
      mounted('services:\n  app:\n    image: busybox\nvolumes:\n'),
      'services:\n  app:\n    image: busybox\n    volumes:\n      - data:/data\nvolumes:\n  data:\n',
    );
    strictEqual(
      mounted('services:\n  app:\n    image: busybox\nvolumes: {logs: {}}\n'),
      'services:\n  app:\n    image: busybox\n    volumes:\n      - data:/data\nvolumes: {logs: {}, data: {}}\n',
    );
  });

  it('declares a volume once', () => {
    strictEqual(
      mounted('services:\n  app:\n    image: busybox\nvolumes:\n  data:\n'),
      'services:\n  app:\n    image: busybox\n    volumes:\n      - data:/data\nvolumes:\n  data:\n',
    );
  });

  it('refuses a service written as a flow mapping, and top-level volumes that are no mapping', () => {
    strictEqual(mounted('services:\n  app: {image: busybox}\n'), undefined);
    strictEqual(mounted('services:\n  app:\n    image: busybox\nvolumes: [data]\n'), undefined);
  });
});

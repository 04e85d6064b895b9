import { posix } from 'node:path';
import { analyzeWorkspace, type WorkspaceAnalysis } from '../engine/analyze-workspace';
import {
  applyLintConfiguration,
  emptyLintConfiguration,
  findLintConfigurationFile,
  type LintConfiguration,
  loadLintConfigurationFile,
  mergeLintConfigurations,
} from '../engine/lint-config';
import { applySuppressions } from '../engine/suppressions';
import { AnalysisCache } from '../inventory/analysis-cache';
import type { AnalysisState } from '../protocol/messages';
import type { Finding } from '../text/findings';
import type { FileSystem } from '../workspace/file-system';
import { AnalysisProblems } from './analysis-problems';
import { RootFileSystems } from './root-file-systems';

/** What the session tells the editor: the adapter turns each into a message of its protocol. */
export interface SessionHost {
  /** The findings of an open file changed. */
  publish(path: string, findings: readonly Finding[]): void;
  /** An analysis started, counted its files or ended; once the count is sent, the analysis goes on. */
  analysisState(state: AnalysisState): Promise<void>;
  warn(message: string): void;
  error(message: string): void;
  /** A notification the user sees: what an analysis could not do (a rule that threw, a directory it could not list). */
  show(message: string, severity: 'error' | 'warning'): void;
}

interface RootState {
  analysis?: WorkspaceAnalysis;
  /** After suppressions and configuration, by file. */
  findingsByFile: Map<string, Finding[]>;
  /** An analysis is waiting to start. */
  queued: boolean;
  /** Parsed files of the previous analysis, reused while their bytes stay the same. */
  readonly cache: AnalysisCache;
  running: Promise<void>;
}

/**
 * The workspace as an editor session sees it: its folders, the buffers open in the editor over
 * the disk, and for each root (a folder, or the directory of a file opened outside them) the
 * latest analysis and its findings by file. Analyses run one at a time per root, each reading
 * only what its root may (RootFileSystems): a file opened outside the folders is read from its
 * own directory alone, and forgotten once closed.
 */
export class WorkspaceSession {
  private folders: string[] = [];
  private readonly fileSystems = new RootFileSystems();
  private watchesFiles = false;
  private settings: LintConfiguration = emptyLintConfiguration;
  private readonly roots = new Map<string, RootState>();
  /** How many edits the editor has sent: opens, changes, closes, saves, watched files, settings. */
  private editsReceived = 0;
  private stopped = false;

  private readonly problems: AnalysisProblems;

  constructor(private readonly host: SessionHost) {
    this.problems = new AnalysisProblems({ log: (text) => host.error(text), show: (text, severity) => host.show(text, severity) });
  }

  /** The files as the analysis of a path's root reads them: the buffers open in the editor over the disk that root may read. */
  fileSystemOf(path: string): FileSystem {
    return this.fileSystems.of(this.rootOf(path));
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /**
   * `watchesFiles`: the editor reports every change of the disk, so answers of the disk may be
   * kept until it does. Nothing is analysed yet.
   */
  start(folders: readonly string[], watchesFiles: boolean, settings: LintConfiguration): void {
    this.folders = [...folders];
    this.watchesFiles = watchesFiles;
    this.settings = settings;
    this.fileSystems.setFolders(this.folders, watchesFiles);
  }

  /** No analysis starts any more. */
  stop(): void {
    this.stopped = true;
  }

  changeFolders(added: readonly string[], removed: readonly string[]): void {
    this.folders = [...this.folders.filter((root) => !removed.includes(root)), ...added];
    for (const root of removed) this.roots.delete(root);
    this.fileSystems.setFolders(this.folders, this.watchesFiles);
    this.scheduleAll();
  }

  changeSettings(settings: LintConfiguration): void {
    this.settings = settings;
    this.scheduleAll();
  }

  /** The folder holding a path (the innermost), or the directory of a file outside every folder. */
  rootOf(path: string): string {
    const containing = this.folders.filter((root) => path === root || path.startsWith(`${root}/`)).sort((left, right) => right.length - left.length);
    return containing[0] ?? posix.dirname(path);
  }

  /** A document opened: its findings from the last analysis are published at once, then it is analysed again. */
  open(path: string, text: string): void {
    this.fileSystems.setBuffer(path, text);
    const root = this.rootOf(path);
    const known = this.stateOf(root).findingsByFile.get(path);
    if (known) this.host.publish(path, known);
    this.schedule(root);
  }

  change(path: string, text: string): void {
    this.fileSystems.setBuffer(path, text);
    this.schedule(this.rootOf(path));
  }

  save(path: string): void {
    this.schedule(this.rootOf(path));
  }

  close(path: string): void {
    this.fileSystems.deleteBuffer(path);
    const root = this.rootOf(path);
    if (!this.folders.includes(root) && this.openPathsUnder(root).length === 0) {
      // nothing keeps a directory outside the folders in the analysis once its last file closes
      this.roots.delete(root);
      this.fileSystems.drop(root);
      return;
    }
    this.schedule(root);
  }

  /** Files changed on disk. */
  filesChanged(): void {
    this.fileSystems.forget();
    this.scheduleAll();
  }

  /** The findings of a file, after suppressions and configuration, from the latest analysis of its root. */
  findingsOf(path: string): Finding[] {
    return this.roots.get(this.rootOf(path))?.findingsByFile.get(path) ?? [];
  }

  /** The latest analysis of the root of a file, if any finished. */
  analysisOf(path: string): WorkspaceAnalysis | undefined {
    return this.roots.get(this.rootOf(path))?.analysis;
  }

  /** The latest analysis of a root, after any analysis already under way; undefined when it failed. */
  async settledAnalysis(root: string): Promise<WorkspaceAnalysis | undefined> {
    const state = this.stateOf(root);
    await state.running;
    if (!state.analysis) await this.analyze(root);
    return state.analysis;
  }

  scheduleAll(): void {
    for (const root of new Set([...this.folders, ...this.roots.keys()])) this.schedule(root);
  }

  /**
   * An edit asks for an analysis once the edits already sent are handled; edits until it starts
   * ask for nothing more, as it reads the latest buffers.
   */
  private schedule(root: string): void {
    if (this.stopped) return;
    this.editsReceived++;
    const state = this.stateOf(root);
    if (state.queued) return;
    state.queued = true;
    state.running = state.running.then(async () => {
      await this.editsSettled();
      state.queued = false;
      // a file opened outside the folders may have been closed meanwhile
      if (this.roots.get(root) === state) return this.analyze(root);
    });
  }

  /**
   * Resolves once the edits the editor has already sent are handled. vscode-jsonrpc handles one
   * queued message per turn of the event loop, and an analysis holds the loop while it runs, so
   * the keystrokes typed during one arrive together: waiting until a turn passes with no new edit
   * makes such a burst cost one analysis, and a lone edit a turn of the loop.
   */
  private editsSettled(): Promise<void> {
    return new Promise((resolve) => {
      let seen = this.editsReceived;
      const check = (): void => {
        if (this.editsReceived === seen) {
          resolve();
          return;
        }
        seen = this.editsReceived;
        setImmediate(check);
      };
      setImmediate(check);
    });
  }

  private stateOf(root: string): RootState {
    let state = this.roots.get(root);
    if (!state) {
      state = { findingsByFile: new Map(), queued: false, running: Promise.resolve(), cache: new AnalysisCache() };
      this.roots.set(root, state);
    }
    return state;
  }

  private configurationFor(root: string): LintConfiguration {
    const fileSystem = this.fileSystems.of(root);
    const file = findLintConfigurationFile(fileSystem, root, root);
    if (!file) return this.settings;
    const loaded = loadLintConfigurationFile(fileSystem, file);
    for (const problem of loaded.problems) this.host.warn(`${problem.source}: ${problem.message}`);
    return mergeLintConfigurations(this.settings, loaded.configuration);
  }

  private openPathsUnder(root: string): string[] {
    return this.fileSystems.bufferedPaths().filter((path) => this.rootOf(path) === root);
  }

  /**
   * The directory of a file opened outside the workspace folders may be any directory of the
   * machine (/usr, a home directory): its analysis looks in that directory alone, not below it.
   */
  private searchDepthOf(root: string): number | undefined {
    return this.folders.includes(root) ? undefined : 0;
  }

  private async analyze(root: string): Promise<void> {
    const state = this.stateOf(root);
    const started = performance.now();
    void this.host.analysisState({ state: 'started', root });
    try {
      const configuration = this.configurationFor(root);
      const sharedHosts = configuration.sharedHosts;
      const fileSystem = this.fileSystems.of(root);
      const analysis = await analyzeWorkspace(fileSystem, root, {
        cache: state.cache,
        searchDepth: this.searchDepthOf(root),
        // sent before the analysis holds the event loop, so that the editor can show its progress
        counted: (files) => this.host.analysisState({ state: 'counted', root, files }),
        ...(sharedHosts ? { sharedHosts } : {}),
      });
      this.problems.report(analysis.internalErrors, analysis.unlistable);
      const files = new Set([...analysis.findings.map((finding) => finding.location.file), ...this.openPathsUnder(root)]);
      const findings = applyLintConfiguration(applySuppressions(analysis.findings, fileSystem, [...files]), configuration);
      const byFile = new Map<string, Finding[]>();
      for (const finding of findings) {
        const inFile = byFile.get(finding.location.file);
        if (inFile) inFile.push(finding);
        else byFile.set(finding.location.file, [finding]);
      }
      state.analysis = analysis;
      state.findingsByFile = byFile;
      for (const path of this.openPathsUnder(root)) this.host.publish(path, byFile.get(path) ?? []);
    } catch (error) {
      this.host.error(`certboot: analysis of ${root} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      void this.host.analysisState({ state: 'finished', root, milliseconds: performance.now() - started });
    }
  }
}

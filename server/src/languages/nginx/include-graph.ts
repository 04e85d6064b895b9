/**
 * For each node of a graph given as each node's targets, the number of its strongly connected
 * component (Tarjan's algorithm, iterative: include chains can be as long as the file list).
 * Two files of one component include each other, directly or not: nginx never gets to the end
 * of such a cycle.
 */
export function stronglyConnectedComponents(targets: readonly (readonly number[])[]): Int32Array {
  const count = targets.length;
  const component = new Int32Array(count).fill(-1);
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  for (let root = 0; root < count; root++) {
    if (order[root] >= 0) continue;
    const frames: { node: number; next: number }[] = [{ node: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const target = targets[frame.node][frame.next++];
      if (target !== undefined) {
        if (order[target] < 0) {
          order[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = 1;
          frames.push({ node: target, next: 0 });
        } else if (onStack[target]) low[frame.node] = Math.min(low[frame.node], order[target]);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node], low[frame.node]);
      if (low[frame.node] !== order[frame.node]) continue;
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack[member] = 0;
        component[member] = components;
        if (member === frame.node) break;
      }
      components++;
    }
  }
  return component;
}

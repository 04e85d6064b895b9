import { type BlockContext, enterBlockContext } from './analyzer';

/**
 * enterBlockContext with its answers kept: the thousands of blocks of a big configuration share a
 * few context arrays instead of allocating one each.
 */
export class BlockContexts {
  private readonly children = new Map<BlockContext, Map<string, BlockContext>>();

  enter(context: BlockContext, directive: string): BlockContext {
    let children = this.children.get(context);
    if (children === undefined) this.children.set(context, (children = new Map()));
    let child = children.get(directive);
    if (child === undefined) children.set(directive, (child = enterBlockContext(context, directive)));
    return child;
  }
}

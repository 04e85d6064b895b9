/** Whether two byte arrays hold the same bytes; the same array answers at once. */
export function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left === right || Buffer.from(left.buffer, left.byteOffset, left.byteLength).equals(right);
}

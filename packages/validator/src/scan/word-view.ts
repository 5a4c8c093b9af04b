let viewed: Uint8Array | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * A `DataView` of `bytes`, for reading four bytes at once; the last one made is kept, since the byte
 * proof and the template checks read one buffer at a time, record after record.
 *
 * @example
 * ```ts
 * wordView(bytes).getInt32(at, true); // bytes[at] is the low byte
 * ```
 */
export function wordView(bytes: Uint8Array): DataView<ArrayBufferLike> {
  if (bytes !== viewed) {
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    viewed = bytes;
  }
  return view;
}

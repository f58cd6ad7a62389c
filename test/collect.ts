/** Every item of an async iterable, in order (Node 20 has no `Array.fromAsync`). */
export const collect = async <A>(iterable: AsyncIterable<A>): Promise<Array<A>> => {
  const items: Array<A> = []
  for await (const item of iterable) items.push(item)
  return items
}

// Ground truth for crdt/items.py (tests/unit/test_text_runs.py): real Yjs replicas edit
// root texts concurrently (ASCII, accents, emoji outside the BMP, formatting marks),
// next to a map, an array and a text nested in a map; they exchange updates in random
// orders. After every round, for one replica: its full state (base64) and, per root
// text, its string and the items Yjs holds in order (client, clock, length, deleted,
// content ref), read from Yjs' own linked list.
//
// config (argv[2]): {seed, replicas, rounds, ops}
// stdout: one JSON line per round: {state, texts: {name: string}, items: {name: [[c, k, n, deleted, ref]]}}

import * as Y from 'yjs'

const config = JSON.parse(process.argv[2])
let seed = config.seed >>> 0
const random = () => { // mulberry32: the same script for the same seed
  seed = (seed + 0x6D2B79F5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (list) => list[Math.floor(random() * list.length)]
const ROOTS = ['p:a', 'p:b', 'p:c']
const PIECES = ['a', 'b', ' ', 'é', 'ñ', '😀', '🇫🇷', 'x', 'yz']

const docs = []
for (let i = 0; i < config.replicas; i++) {
  const doc = new Y.Doc({ gc: i % 2 === 0 }) // odd replicas keep deleted text
  doc.clientID = 1 + Math.floor(random() * 0xFFFFFFF0)
  docs.push(doc)
}

// UTF-16 offset of the code point `points` of a string (never inside a surrogate pair).
const unitOffset = (s, points) => Array.from(s).slice(0, points).join('').length

const edit = (doc) => {
  const text = doc.getText(pick(ROOTS))
  const s = text.toString()
  const points = Array.from(s).length
  const r = random()
  if (points > 0 && r < 0.3) {
    const start = Math.floor(random() * points)
    const end = Math.min(points, start + 1 + Math.floor(random() * 4))
    const at = unitOffset(s, start)
    text.delete(at, unitOffset(s, end) - at)
  } else if (points > 1 && r < 0.4) {
    const start = Math.floor(random() * points)
    const end = Math.min(points, start + 1 + Math.floor(random() * 4))
    const at = unitOffset(s, start)
    text.format(at, unitOffset(s, end) - at, { bold: random() < 0.5 ? true : null })
  } else {
    let word = ''
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) word += pick(PIECES)
    text.insert(unitOffset(s, Math.floor(random() * (points + 1))), word)
  }
  if (random() < 0.15) doc.getMap('index').set(pick(['x', 'y']), random())
  if (random() < 0.1) doc.getArray('list').insert(0, [pick(PIECES)])
  if (random() < 0.1) {
    const map = doc.getMap('nested')
    if (!map.has('t')) map.set('t', new Y.Text())
    const nested = map.get('t')
    nested.insert(Math.floor(random() * (nested.length + 1)), 'n')
  }
}

const exchange = () => {
  const pairs = []
  for (const a of docs) for (const b of docs) if (a !== b) pairs.push([a, b])
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]]
  }
  for (const [src, dst] of pairs.slice(0, 1 + Math.floor(random() * pairs.length))) {
    Y.applyUpdate(dst, Y.encodeStateAsUpdate(src, Y.encodeStateVector(dst)))
  }
}

const report = (doc) => {
  const texts = {}
  const items = {}
  for (const name of ROOTS) {
    const text = doc.getText(name)
    texts[name] = text.toString()
    const list = []
    for (let item = text._start; item !== null; item = item.right) {
      list.push([item.id.client, item.id.clock, item.length, item.deleted, item.content.getRef()])
    }
    items[name] = list
  }
  const state = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64')
  process.stdout.write(JSON.stringify({ state, texts, items }) + '\n')
}

for (let round = 0; round < config.rounds; round++) {
  for (const doc of docs) {
    for (let n = Math.floor(random() * (config.ops + 1)); n > 0; n--) edit(doc)
  }
  exchange()
  report(pick(docs))
}
for (const dst of docs) for (const src of docs) Y.applyUpdate(dst, Y.encodeStateAsUpdate(src))
report(docs[0])

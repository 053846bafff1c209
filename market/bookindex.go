package market

import "math/bits"

// The indexes behind [Book]: a d-ary heap per side whose entries tell their
// nodes where they are, so that any order can be removed in O(log n), and an
// open-addressing table from order id to node. Neither allocates once grown.

// arity of the heaps. Four children per node halve the depth of a binary heap
// and keep a node's children within two cache lines; on BenchmarkBook two and
// four measured the same (within 2 %).
const arity = 4

// siftUp moves the entry at i towards the root until its parent comes before
// it, updating the positions recorded in nodes.
func siftUp(h []heapEntry, nodes []bookNode, i int) {
	e := h[i]
	for i > 0 {
		p := (i - 1) / arity
		if !e.before(h[p]) {
			break
		}
		h[i] = h[p]
		nodes[h[i].node].pos = int32(i)
		i = p
	}
	h[i] = e
	nodes[e.node].pos = int32(i)
}

// siftDown moves the entry at i away from the root until it comes before all
// its children, updating the positions recorded in nodes.
func siftDown(h []heapEntry, nodes []bookNode, i int) {
	e := h[i]
	n := len(h)
	for {
		c := arity*i + 1
		if c >= n {
			break
		}
		best := c
		for k := c + 1; k < min(c+arity, n); k++ {
			if h[k].before(h[best]) {
				best = k
			}
		}
		if !h[best].before(e) {
			break
		}
		h[i] = h[best]
		nodes[h[i].node].pos = int32(i)
		i = best
	}
	h[i] = e
	nodes[e.node].pos = int32(i)
}

// heapRemove removes the entry at i by moving the last entry into its place
// and restoring the heap on h[:len(h)-1]. The caller shrinks h by one.
func heapRemove(h []heapEntry, nodes []bookNode, i int) {
	last := len(h) - 1
	if i == last {
		return
	}
	h[i] = h[last]
	h = h[:last]
	if i > 0 && h[i].before(h[(i-1)/arity]) {
		siftUp(h, nodes, i)
	} else {
		siftDown(h, nodes, i)
	}
}

// idTable maps order ids to node indices: open addressing with linear
// probing, Fibonacci hashing, at most half full, and backward-shift deletion,
// so that no tombstones accumulate in a book that keeps its size while ids
// keep changing.
type idTable struct {
	slots []idSlot // len is a power of two, or 0
	n     int      // occupied slots
	shift uint     // 64 - log2(len(slots))
}

type idSlot struct {
	id   int64
	node int32 // node index + 1; 0 marks an empty slot
}

func (t *idTable) home(id int64) int {
	return int((uint64(id) * 0x9E3779B97F4A7C15) >> t.shift)
}

// find returns the node index of id, or -1.
func (t *idTable) find(id int64) int32 {
	if t.n == 0 {
		return -1
	}
	mask := len(t.slots) - 1
	for i := t.home(id); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.node == 0 {
			return -1
		}
		if s.id == id {
			return s.node - 1
		}
	}
}

// insert adds id, which must not be present, with node index node.
func (t *idTable) insert(id int64, node int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	t.place(id, node)
	t.n++
}

func (t *idTable) place(id int64, node int32) {
	mask := len(t.slots) - 1
	i := t.home(id)
	for t.slots[i].node != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = idSlot{id: id, node: node + 1}
}

func (t *idTable) grow() {
	old := t.slots
	size := max(16, 2*len(old))
	t.slots = make([]idSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, s := range old {
		if s.node != 0 {
			t.place(s.id, s.node-1)
		}
	}
}

// remove deletes id, which must be present, and shifts back the entries of
// its probe run so that every entry stays reachable from its home slot.
func (t *idTable) remove(id int64) {
	mask := len(t.slots) - 1
	i := t.home(id)
	for t.slots[i].id != id || t.slots[i].node == 0 {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.slots[j].node != 0; j = (j + 1) & mask {
		k := t.home(t.slots[j].id)
		// The entry at j may move to the hole at i unless its home k lies
		// cyclically in (i, j].
		if i <= j && i < k && k <= j || i > j && (i < k || k <= j) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = idSlot{}
	t.n--
}

func (t *idTable) clear() {
	clear(t.slots)
	t.n = 0
}

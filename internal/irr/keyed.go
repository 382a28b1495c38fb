package irr

// keyed holds the objects of one class by key, one per source, each
// key's entries ordered by source index, which is the order of
// precedence.
type keyed[K comparable, T any] map[K][]entry[T]

type entry[T any] struct {
	src uint8
	v   *T
}

// put stores v as the object of key k in source src and returns the one
// it replaces, or nil.
func (m keyed[K, T]) put(k K, src uint8, v *T) (old *T) {
	es := m[k]
	i := 0
	for i < len(es) && es[i].src < src {
		i++
	}
	if i < len(es) && es[i].src == src {
		old, es[i].v = es[i].v, v
		return old
	}
	es = append(es, entry[T]{})
	copy(es[i+1:], es[i:])
	es[i] = entry[T]{src: src, v: v}
	m[k] = es
	return nil
}

// delete removes the object of key k in source src and returns it, or
// nil when there is none.
func (m keyed[K, T]) delete(k K, src uint8) (old *T) {
	es := m[k]
	for i := range es {
		if es[i].src == src {
			old = es[i].v
			if len(es) == 1 {
				delete(m, k)
			} else {
				m[k] = append(es[:i:i], es[i+1:]...)
			}
			return old
		}
	}
	return nil
}

// first returns the object of key k of the earliest source in mask.
func (m keyed[K, T]) first(k K, mask uint64) (*T, bool) {
	for _, e := range m[k] {
		if mask&(1<<e.src) != 0 {
			return e.v, true
		}
	}
	return nil, false
}

// get returns the object of key k in source src.
func (m keyed[K, T]) get(k K, src uint8) *T {
	for _, e := range m[k] {
		if e.src == src {
			return e.v
		}
	}
	return nil
}

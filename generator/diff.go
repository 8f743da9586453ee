package generator

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change,
// as in diff -u and git diff.
const diffContext = 3

// unifiedDiff returns the unified diff that turns old into new, with the
// given file labels, or nil when they are equal. The edit script is a
// shortest one (Myers' O(ND) algorithm in linear space), so hunks are as
// small as diff -u makes them.
func unifiedDiff(oldLabel, newLabel string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	a, b := splitLines(old), splitLines(new)
	d := newDiffer(a, b)
	d.compare(0, len(a), 0, len(b))

	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldLabel, newLabel)
	for _, h := range d.hunks(diffContext) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(h.aStart, h.aCount), hunkRange(h.bStart, h.bCount))
		for _, e := range h.edits {
			var prefix byte
			var line string
			switch e.op {
			case opEqual:
				prefix, line = ' ', a[e.a]
			case opDelete:
				prefix, line = '-', a[e.a]
			case opInsert:
				prefix, line = '+', b[e.b]
			}
			out.WriteByte(prefix)
			out.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.Bytes()
}

// splitLines splits s after each newline; a last line without one is kept
// as it is, so that it differs from the same line with a newline.
func splitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, string(s[:i]))
		s = s[i:]
	}
	return lines
}

// hunkRange formats a hunk's line range the way diff -u does: start is the
// 1-based first line, or the line before the hunk when count is 0, and a
// count of 1 is left out.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}

type editOp int

const (
	opEqual editOp = iota
	opDelete
	opInsert
)

// edit is one line of the edit script: a line of a (opEqual, opDelete) or
// of b (opInsert), by index.
type edit struct {
	op   editOp
	a, b int
}

type hunk struct {
	aStart, aCount int
	bStart, bCount int
	edits          []edit
}

// differ finds a shortest edit script between two line sequences. Lines
// are interned to ints so that comparisons are cheap; the result is which
// lines of a are deleted and which lines of b are inserted, the rest being
// the longest common subsequence.
type differ struct {
	a, b       []int
	deleted    []bool // by index in a
	inserted   []bool // by index in b
	vfwd, vbwd []int  // scratch for bisect, reused across calls
}

func newDiffer(a, b []string) *differ {
	ids := make(map[string]int)
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	return &differ{
		a:        intern(a),
		b:        intern(b),
		deleted:  make([]bool, len(a)),
		inserted: make([]bool, len(b)),
	}
}

// compare marks the shortest edit script from a[aLo:aHi] to b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo++
		bLo++
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi--
		bHi--
	}
	switch {
	case aLo == aHi:
		for j := bLo; j < bHi; j++ {
			d.inserted[j] = true
		}
	case bLo == bHi:
		for i := aLo; i < aHi; i++ {
			d.deleted[i] = true
		}
	default:
		x, y, ok := d.bisect(aLo, aHi, bLo, bHi)
		if !ok {
			// No line in common: replace the whole range.
			for i := aLo; i < aHi; i++ {
				d.deleted[i] = true
			}
			for j := bLo; j < bHi; j++ {
				d.inserted[j] = true
			}
			return
		}
		d.compare(aLo, x, bLo, y)
		d.compare(x, aHi, y, bHi)
	}
}

// bisect finds the middle snake of a shortest edit script from a[aLo:aHi]
// to b[bLo:bHi] by running Myers' search forward from the start and
// backward from the end until the two meet (Myers 1986, section 4b). It
// returns a point on that script strictly inside the box, so each half is
// smaller than the whole, or ok false when the ranges have no line in
// common. The ranges must be non-empty and must not start or end with
// equal lines.
func (d *differ) bisect(aLo, aHi, bLo, bHi int) (x, y int, ok bool) {
	n, m := aHi-aLo, bHi-bLo
	maxD := (n + m + 1) / 2
	off := maxD + 1
	size := 2*maxD + 3
	if cap(d.vfwd) < size {
		d.vfwd, d.vbwd = make([]int, size), make([]int, size)
	}
	// vf[off+k] is the furthest x reached forward on diagonal k = x-y;
	// vb[off+k] the furthest distance reached backward from the end on
	// diagonal k counted from the end. -1 means not reached yet.
	vf, vb := d.vfwd[:size], d.vbwd[:size]
	for i := range vf {
		vf[i], vb[i] = -1, -1
	}
	vf[off+1], vb[off+1] = 0, 0
	delta := n - m
	odd := delta%2 != 0
	// kfStart/kfEnd (kbStart/kbEnd) trim diagonals that ran off the box.
	kfStart, kfEnd, kbStart, kbEnd := 0, 0, 0, 0
	for step := 0; step < maxD; step++ {
		for k := -step + kfStart; k <= step-kfEnd; k += 2 {
			var x int
			if k == -step || (k != step && vf[off+k-1] < vf[off+k+1]) {
				x = vf[off+k+1]
			} else {
				x = vf[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && d.a[aLo+x] == d.b[bLo+y] {
				x++
				y++
			}
			vf[off+k] = x
			switch {
			case x > n:
				kfEnd += 2
			case y > m:
				kfStart += 2
			case odd:
				kb := delta - k
				if kb >= -maxD-1 && kb <= maxD+1 && vb[off+kb] != -1 && x >= n-vb[off+kb] {
					return aLo + x, bLo + y, true
				}
			}
		}
		for k := -step + kbStart; k <= step-kbEnd; k += 2 {
			var x int
			if k == -step || (k != step && vb[off+k-1] < vb[off+k+1]) {
				x = vb[off+k+1]
			} else {
				x = vb[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && d.a[aHi-1-x] == d.b[bHi-1-y] {
				x++
				y++
			}
			vb[off+k] = x
			switch {
			case x > n:
				kbEnd += 2
			case y > m:
				kbStart += 2
			case !odd:
				kf := delta - k
				if kf >= -maxD-1 && kf <= maxD+1 && vf[off+kf] != -1 {
					xf := vf[off+kf]
					yf := xf - kf
					if xf >= n-x {
						return aLo + xf, bLo + yf, true
					}
				}
			}
		}
	}
	// The searches did not meet before step maxD, so a shortest script
	// has n+m edits: nothing in common.
	return 0, 0, false
}

// hunks groups the edit script into hunks with ctx lines of context,
// merging changes that are closer than 2*ctx lines.
func (d *differ) hunks(ctx int) []hunk {
	var script []edit
	for i, j := 0, 0; i < len(d.a) || j < len(d.b); {
		switch {
		case i < len(d.a) && d.deleted[i]:
			script = append(script, edit{opDelete, i, j})
			i++
		case j < len(d.b) && d.inserted[j]:
			script = append(script, edit{opInsert, i, j})
			j++
		default:
			script = append(script, edit{opEqual, i, j})
			i++
			j++
		}
	}

	var hunks []hunk
	for start := 0; start < len(script); {
		// Find the next change.
		first := start
		for first < len(script) && script[first].op == opEqual {
			first++
		}
		if first == len(script) {
			break
		}
		// Extend over changes separated by at most 2*ctx equal lines.
		last := first
		for i := first; i < len(script); i++ {
			if script[i].op != opEqual {
				last = i
			} else if i-last > 2*ctx {
				break
			}
		}
		lo := max(first-ctx, start)
		hi := min(last+1+ctx, len(script))
		h := hunk{aStart: script[lo].a, bStart: script[lo].b, edits: script[lo:hi]}
		for _, e := range h.edits {
			if e.op != opInsert {
				h.aCount++
			}
			if e.op != opDelete {
				h.bCount++
			}
		}
		hunks = append(hunks, h)
		start = hi
	}
	return hunks
}

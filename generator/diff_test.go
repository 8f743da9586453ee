package generator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiffExact(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{
			name: "equal",
			old:  "a\nb\n",
			new:  "a\nb\n",
			want: "",
		},
		{
			name: "create",
			old:  "",
			new:  "a\nb\n",
			want: "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n",
		},
		{
			name: "remove",
			old:  "a\n",
			new:  "",
			want: "--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n",
		},
		{
			name: "change in the middle, context of three",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			new:  "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "changes six lines apart share a hunk",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
			new:  "one\n2\n3\n4\n5\n6\n7\nseven\n8\n9\n10\n",
			want: "--- old\n+++ new\n@@ -1,10 +1,11 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n+seven\n 8\n 9\n 10\n",
		},
		{
			name: "changes seven lines apart get two hunks",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
			new:  "one\n2\n3\n4\n5\n6\n7\n8\nnine\n10\n",
			want: "--- old\n+++ new\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -6,5 +6,5 @@\n 6\n 7\n 8\n-9\n+nine\n 10\n",
		},
		{
			name: "insert at the start",
			old:  "b\nc\n",
			new:  "a\nb\nc\n",
			want: "--- old\n+++ new\n@@ -1,2 +1,3 @@\n+a\n b\n c\n",
		},
		{
			name: "missing final newline",
			old:  "a\nb",
			new:  "a\nb\n",
			want: "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(unifiedDiff("old", "new", []byte(tt.old), []byte(tt.new)))
			if got != tt.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestUnifiedDiffRandom checks on random inputs that the diff applies
// cleanly and turns old into new, that its hunks are well formed, and that
// the edit script is a shortest one: its length equals the one the classic
// LCS dynamic program gives.
func TestUnifiedDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		old := randomText(r)
		new := mutate(r, old)
		if r.IntN(10) == 0 {
			new = randomText(r)
		}
		diff := unifiedDiff("old", "new", []byte(old), []byte(new))
		if old == new {
			if diff != nil {
				t.Fatalf("case %d: diff of equal texts: %q", i, diff)
			}
			continue
		}
		got, edits, err := applyDiff(old, string(diff))
		if err != nil {
			t.Fatalf("case %d: %v\nold %q\nnew %q\ndiff:\n%s", i, err, old, new, diff)
		}
		if got != new {
			t.Fatalf("case %d: applying the diff gives %q, want %q\ndiff:\n%s", i, got, new, diff)
		}
		a, b := splitLines([]byte(old)), splitLines([]byte(new))
		if want := len(a) + len(b) - 2*lcsLength(a, b); edits != want {
			t.Fatalf("case %d: %d edits, shortest is %d\nold %q\nnew %q\ndiff:\n%s", i, edits, want, old, new, diff)
		}
	}
}

func TestUnifiedDiffLarge(t *testing.T) {
	// A rewrite of a long file: the worst case, nothing in common.
	var old, new strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&old, "line %d\n", i)
		fmt.Fprintf(&new, "line %d\n", i*7%5000)
	}
	diff := unifiedDiff("old", "new", []byte(old.String()), []byte(new.String()))
	got, _, err := applyDiff(old.String(), string(diff))
	if err != nil || got != new.String() {
		t.Fatalf("large diff does not apply: %v", err)
	}
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

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(25) {
		b.WriteString(string(rune('a' + r.IntN(4))))
		b.WriteByte('\n')
	}
	s := b.String()
	if len(s) > 0 && r.IntN(5) == 0 {
		s = s[:len(s)-1] // no final newline
	}
	return s
}

func mutate(r *rand.Rand, s string) string {
	lines := splitLines([]byte(s))
	for range r.IntN(6) {
		switch i := r.IntN(len(lines) + 1); r.IntN(3) {
		case 0:
			lines = append(lines[:i], append([]string{string(rune('a'+r.IntN(5))) + "\n"}, lines[i:]...)...)
		case 1:
			if i < len(lines) {
				lines = append(lines[:i], lines[i+1:]...)
			}
		case 2:
			if i < len(lines) {
				lines[i] = "x\n"
			}
		}
	}
	return strings.Join(lines, "")
}

func lcsLength(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyDiff applies a unified diff to old as patch(1) would, checking every
// context and deleted line and every hunk count, and returns the result
// and the number of added plus deleted lines.
func applyDiff(old, diff string) (string, int, error) {
	src := splitLines([]byte(old))
	lines := splitLines([]byte(diff))
	if len(lines) < 2 || lines[0] != "--- old\n" || lines[1] != "+++ new\n" {
		return "", 0, fmt.Errorf("bad file header")
	}
	lines = lines[2:]
	var out []string
	pos, edits := 0, 0
	for len(lines) > 0 {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[0], "\n"))
		if m == nil {
			return "", 0, fmt.Errorf("bad hunk header %q", lines[0])
		}
		lines = lines[1:]
		aStart, aCount := atoiRange(m[1], m[2])
		bStart, bCount := atoiRange(m[3], m[4])
		// aStart is 1-based, or the line before when the count is 0.
		first := aStart - 1
		if aCount == 0 {
			first = aStart
		}
		if first < pos {
			return "", 0, fmt.Errorf("hunk at %d overlaps the previous one", aStart)
		}
		if bFirst := bStart - 1 + boolInt(bCount == 0); bFirst != len(out)+first-pos {
			return "", 0, fmt.Errorf("hunk +%d starts at new line %d", bStart, len(out)+first-pos)
		}
		out = append(out, src[pos:first]...)
		pos = first
		var na, nb int
		for len(lines) > 0 && !strings.HasPrefix(lines[0], "@@") {
			l := lines[0]
			lines = lines[1:]
			body := l[1:]
			if len(lines) > 0 && lines[0] == "\\ No newline at end of file\n" {
				body = strings.TrimSuffix(body, "\n")
				lines = lines[1:]
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(src) || src[pos] != body {
					return "", 0, fmt.Errorf("line %d: have %q, diff says %q", pos+1, safeIndex(src, pos), body)
				}
				pos++
				na++
				if l[0] == ' ' {
					out = append(out, body)
					nb++
				} else {
					edits++
				}
			case '+':
				out = append(out, body)
				nb++
				edits++
			default:
				return "", 0, fmt.Errorf("bad line %q", l)
			}
		}
		if na != aCount || nb != bCount {
			return "", 0, fmt.Errorf("hunk counts -%d +%d, body has -%d +%d", aCount, bCount, na, nb)
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, ""), edits, nil
}

func atoiRange(start, count string) (int, int) {
	s, _ := strconv.Atoi(start)
	c := 1
	if count != "" {
		c, _ = strconv.Atoi(count)
	}
	return s, c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func safeIndex(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<end of file>"
}

// FuzzUnifiedDiff checks that the diff of any two texts applies and turns
// one into the other.
func FuzzUnifiedDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd")
	f.Add("", "x")
	f.Add("x\r\ny\n", "x\ny\r\n")
	f.Fuzz(func(t *testing.T, old, new string) {
		diff := unifiedDiff("old", "new", []byte(old), []byte(new))
		if old == new {
			if diff != nil {
				t.Fatalf("diff of equal texts: %q", diff)
			}
			return
		}
		got, _, err := applyDiff(old, string(diff))
		if err != nil || got != new {
			t.Fatalf("diff does not apply: %v, got %q\n%s", err, got, diff)
		}
	})
}

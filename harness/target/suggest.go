package target

import "fmt"

// DidYouMean returns ` (did you mean "X"?)` for the known name nearest to name when it is near
// enough to be a misspelling of it, and "" otherwise.
func DidYouMean(name string, known []string) string {
	if n, ok := Nearest(name, known); ok {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

// Nearest returns the known name with the fewest edits from name, when that is few enough for a
// misspelling: at most a third of the name's length, and at least two edits are allowed.
func Nearest(name string, known []string) (string, bool) {
	best, d := closest(name, known, func(s string) string { return s })
	return best, d >= 0 && d <= max(2, len([]rune(name))/3)
}

// closest returns the known name whose part (what part keeps of it) has the fewest edits from
// name's part, and that number; -1 when nothing is known.
func closest(name string, known []string, part func(string) string) (string, int) {
	best, bestDist := "", -1
	for _, k := range known {
		if d := distance(part(name), part(k)); bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	return best, bestDist
}

// distance is the Damerau–Levenshtein distance (adjacent transpositions count as one edit) of a
// and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

package report

import (
	"slices"
	"sort"
)

// attributeCauses sets CausedBy of every failed requirement whose failed specs all failed in a
// step relying on another requirement (Spec.Because) that failed on its own: a failure that is
// only the echo of another is listed under that one.
func (r *Report) attributeCauses() {
	// direct: requirements with a failed spec that failed for them, not because of another.
	direct := map[string]bool{}
	failedSpecs := map[string][]Spec{}
	for _, s := range r.Specs {
		if !s.Failed() {
			continue
		}
		for _, id := range s.Requirements {
			failedSpecs[reqKey(s.Suite, id)] = append(failedSpecs[reqKey(s.Suite, id)], s)
			if s.Because == "" {
				direct[reqKey(s.Suite, id)] = true
			}
		}
	}
	for i := range r.Requirements {
		req := &r.Requirements[i]
		req.CausedBy = nil
		k := reqKey(req.Suite, req.ID)
		if req.Status != Failed || direct[k] {
			continue
		}
		var causes []string
		for _, s := range failedSpecs[k] {
			if !direct[reqKey(s.Suite, s.Because)] {
				causes = nil
				break
			}
			if !slices.Contains(causes, s.Because) {
				causes = append(causes, s.Because)
			}
		}
		sort.Strings(causes)
		req.CausedBy = causes
	}
}

// Failure is a failed requirement that failed on its own, with the failed requirements that
// probably failed because of it.
type Failure struct {
	Requirement
	// Also are the requirements that failed only in steps relying on this one.
	Also []Requirement
}

// Failures lists the failed requirements root cause first: MUST before SHOULD before MAY; within
// a level, first those that others' failures depend on (most dependants first), then by flow in
// the order of the matrix's columns (a payment is made before it is confirmed, confirmed before
// it is refunded), then in the order of the catalogue. A requirement that failed only because
// of others is not in the list: it is under each of them, in Also.
func (r *Report) Failures() []Failure {
	var roots []Failure
	index := map[string]int{}
	for _, req := range r.Requirements {
		if req.Status == Failed && len(req.CausedBy) == 0 {
			index[reqKey(req.Suite, req.ID)] = len(roots)
			roots = append(roots, Failure{Requirement: req})
		}
	}
	for _, req := range r.Requirements {
		for _, c := range req.CausedBy {
			if i, ok := index[reqKey(req.Suite, c)]; ok {
				roots[i].Also = append(roots[i].Also, req)
			}
		}
	}
	sort.SliceStable(roots, func(i, j int) bool {
		a, b := roots[i], roots[j]
		if la, lb := levelOrder(string(a.Level)), levelOrder(string(b.Level)); la != lb {
			return la < lb
		}
		if len(a.Also) != len(b.Also) {
			return len(a.Also) > len(b.Also)
		}
		return columnOf(a.Flow) < columnOf(b.Flow)
	})
	return roots
}

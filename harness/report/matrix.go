package report

import "github.com/paycert/paycert/harness/requirements"

// Column is a column of the provider × flow matrix: the flows of requirements it gathers.
type Column struct {
	Name string
	// Short is the name on a narrow screen.
	Short string
	Flows []string
}

// Columns are the matrix's columns, in the order a payment goes through its flows; the last,
// errors, holds the refusals of malformed requests.
func Columns() []Column {
	return []Column{
		{"signature", "sig", []string{"signature"}},
		{"init", "init", []string{"init", "pay", "operators", "payment-page"}},
		{"OTP", "OTP", []string{"otp"}},
		{"wrong OTP", "bad OTP", []string{"wrong-otp"}},
		{"resend", "re-send", []string{"resend"}},
		{"status", "stat", []string{"status"}},
		{"refund", "ref", []string{"refund"}},
		{"callbacks", "cb", []string{"callback"}},
		{"test numbers", "test #", []string{"test-phones"}},
		{"errors", "err", []string{"validation"}},
	}
}

// columnOf is the index of the column a flow is in; a flow of no column comes last.
func columnOf(flow string) int {
	for i, c := range Columns() {
		for _, f := range c.Flows {
			if f == flow {
				return i
			}
		}
	}
	return len(Columns())
}

// Results of a matrix cell, worst first: the cell takes the worst result of its requirements.
const (
	CellFailedMust    = "failed MUST"
	CellFailedShould  = "failed SHOULD"
	CellFailedMay     = "failed MAY"
	CellNotRun        = "not run"
	CellNotApplicable = "not applicable"
	CellPassed        = "passed"
	// CellEmpty is a flow the provider's documents state no requirement of.
	CellEmpty = "none"
)

// cellRank orders cell results, worst first.
func cellRank(result string) int {
	for i, r := range []string{CellFailedMust, CellFailedShould, CellFailedMay, CellNotRun, CellNotApplicable, CellPassed} {
		if r == result {
			return i
		}
	}
	return 99
}

// Cell is one provider's requirements of one column.
type Cell struct {
	Column string `json:"column"`
	// Result is the worst result of its requirements, or CellEmpty.
	Result string `json:"result"`
	// Counts are its requirements by status (passed, failed, not run, ...).
	Counts map[string]int `json:"counts,omitempty"`
	// Total is how many requirements it has.
	Total int `json:"total"`
	// First is the ID of its first requirement with the cell's result: where a link goes.
	First string `json:"first,omitempty"`
}

// NotRun is how many of the cell's requirements were not run (or are not covered by a spec).
func (c Cell) NotRun() int {
	return c.Total - c.Counts[Passed] - c.Counts[Failed] - c.Counts[NotApplicable]
}

// Row is one suite's line of the matrix.
type Row struct {
	Suite    string `json:"suite"`
	Provider string `json:"provider"`
	Cells    []Cell `json:"cells"`
	// Result is the worst result of its cells.
	Result string `json:"result"`
}

// resultOf is the cell result of one requirement.
func resultOf(req Requirement) string {
	switch req.Status {
	case Passed:
		return CellPassed
	case NotApplicable:
		return CellNotApplicable
	case Failed:
		switch req.Level {
		case requirements.Must:
			return CellFailedMust
		case requirements.Should:
			return CellFailedShould
		}
		return CellFailedMay
	}
	return CellNotRun
}

// Matrix is the provider × flow picture of the run: one row per suite, in the order the suites
// appear in the report, one cell per column with the worst result of its requirements.
func (r *Report) Matrix() []Row {
	cols := Columns()
	var rows []Row
	at := map[string]int{}
	provider := map[string]string{}
	for _, t := range r.Targets {
		provider[t.Suite] = t.Provider
	}
	for _, req := range r.Requirements {
		i, ok := at[req.Suite]
		if !ok {
			i = len(rows)
			at[req.Suite] = i
			row := Row{Suite: req.Suite, Provider: provider[req.Suite], Result: CellEmpty}
			for _, c := range cols {
				row.Cells = append(row.Cells, Cell{Column: c.Name, Result: CellEmpty, Counts: map[string]int{}})
			}
			rows = append(rows, row)
		}
		col := columnOf(req.Flow)
		if col == len(cols) {
			continue
		}
		row := &rows[i]
		cell := &row.Cells[col]
		cell.Total++
		cell.Counts[req.Status]++
		res := resultOf(req)
		if cell.Result == CellEmpty || cellRank(res) < cellRank(cell.Result) {
			cell.Result, cell.First = res, req.ID
		}
		if row.Result == CellEmpty || cellRank(res) < cellRank(row.Result) {
			row.Result = res
		}
	}
	return rows
}

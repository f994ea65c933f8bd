package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// cmdReport merges report bundles, or compares two.
func cmdReport(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "diff" {
		return cmdReportDiff(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "merge" {
		return exitError, errors.New("want: paycert report merge -out DIR DIR..., or paycert report diff OLD NEW")
	}
	fs := flag.NewFlagSet("report merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder of the merged bundle")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError, errUsage
	}
	if *out == "" || fs.NArg() == 0 {
		return exitError, fmt.Errorf("want -out DIR and at least one bundle")
	}
	r, err := mergeBundles(*out, time.Now().UTC().Format("20060102-150405"), fs.Args())
	if err != nil {
		return exitError, err
	}
	report.PrintSummary(stdout, r, *out)
	return exitCode(r, false), nil
}

// mergeBundles reads the bundles in dirs and writes their merge to out.
func mergeBundles(out, runID string, dirs []string) (*report.Report, error) {
	var parts []*report.Report
	for _, d := range dirs {
		r, err := report.Read(d)
		if err != nil {
			return nil, err
		}
		if err := report.CopyTranscripts(os.DirFS(d), out, r); err != nil {
			return nil, err
		}
		parts = append(parts, r)
	}
	merged := report.Merge(runID, parts...)
	if err := report.Write(out, merged); err != nil {
		return nil, err
	}
	return merged, nil
}

// exitCode maps a verdict to the exit code; strict makes an incomplete run non-conformant.
func exitCode(r *report.Report, strict bool) int {
	switch r.Verdict {
	case report.Conformant:
		return exitConformant
	case report.Incomplete:
		if strict {
			return exitNonConformant
		}
		return exitConformant
	case report.NonConformant:
		return exitNonConformant
	default:
		return exitError
	}
}

// cmdReportDiff compares two report bundles, requirement by requirement, prints what got worse,
// what got better, what is new and what is gone, and writes it as diff.json and diff.txt into
// -out (by default NEW). Exit 1 when anything got worse: a CI gate on a pull request.
func cmdReportDiff(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder the comparison is written to (default: NEW)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if fs.NArg() != 2 {
		return exitError, errors.New("want: paycert report diff [-out DIR] OLD NEW (two report bundles)")
	}
	older, err := report.Read(fs.Arg(0))
	if err != nil {
		return exitError, fmt.Errorf("OLD: %w", err)
	}
	newer, err := report.Read(fs.Arg(1))
	if err != nil {
		return exitError, fmt.Errorf("NEW: %w", err)
	}
	d := report.Compare(older, newer)
	dir := *out
	if dir == "" {
		dir = fs.Arg(1)
	}
	if err := report.WriteDiff(dir, d); err != nil {
		return exitError, err
	}
	fmt.Fprint(stdout, d.Text())
	if len(d.Worse) > 0 {
		return exitNonConformant, nil
	}
	return exitConformant, nil
}

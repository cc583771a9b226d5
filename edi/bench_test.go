package edi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds is the process's user+system CPU time. The machine is shared,
// so wall-clock MB/s understates speed; with -cpu 1 the process CPU time
// is the cost on one core.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// generateInterchange writes one interchange of about size bytes holding
// 850s or 810s of 10 lines each, in one functional group.
func generateInterchange(w io.Writer, set string, size int64) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := &countingWriter{w: bw}
	fid := map[string]string{"850": "PO", "810": "IN"}[set]
	fmt.Fprintf(cw, "ISA*00*          *00*          *ZZ*BRAND          *ZZ*ACMESUPPLY     *261127*0930*U*00401*000000001*0*P*>~\n")
	fmt.Fprintf(cw, "GS*%s*BRAND*ACMESUPPLY*20261127*0930*1*X*004010~\n", fid)
	sets := 0
	for cw.n < size {
		sets++
		cn := fmt.Sprintf("%09d", sets)
		segs := 0
		seg := func(format string, args ...any) {
			segs++
			fmt.Fprintf(cw, format+"~\n", args...)
		}
		seg("ST*%s*%s", set, cn)
		if set == "850" {
			seg("BEG*00*SA*PO-%07d**20261127", sets)
			seg("CUR*BY*EUR")
			seg("REF*DP*038")
			seg("DTM*002*20261215")
			seg("N1*ST*Brand Warehouse*92*WH1")
			seg("N3*1 Dock Road")
			seg("N4*Rotterdam**3011AA*NL")
			for l := 1; l <= 10; l++ {
				seg("PO1*%d*%d*EA*%d.%03d*PE*BP*SKU-%05d*VP*AC-%05d*UP*01234567%04d", l, 10+l*sets%90, 1+l, sets%1000, l*7, l*11, l)
				seg("PID*F****Widget number %d", l)
			}
			seg("CTT*10")
		} else {
			seg("BIG*20261205*INV-%07d*20261127*PO-%07d***DI", sets, sets)
			seg("CUR*SE*EUR")
			seg("N1*RI*Acme Supply*92*ACME")
			seg("ITD*05*3*2**10**30")
			for l := 1; l <= 10; l++ {
				seg("IT1*%d*%d*EA*%d.%02d*PE*BP*SKU-%05d*VP*AC-%05d", l, 10+l, 1+l, sets%100, l*7, l*11)
				seg("PID*F****Widget number %d", l)
				if l%3 == 0 {
					seg("SAC*A*C310***%d", 100+l)
				}
			}
			seg("TDS*%d", 100000+sets%1000)
			seg("SAC*C*D240***1250")
			seg("CTT*10")
		}
		segs++
		fmt.Fprintf(cw, "SE*%d*%s~\n", segs, cn)
	}
	fmt.Fprintf(cw, "GE*%d*1~\nIEA*1*000000001~\n", sets)
	return cw.n, bw.Flush()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var (
	benchFilesMu sync.Mutex
	benchFiles   = map[string]string{}
	benchDir     string
)

// benchFile generates (once per run) a temp file; the input is read from
// disk (page cache) so the heap measured is the reader's, not the input's.
func benchFile(b *testing.B, set string, size int64) (string, int64) {
	benchFilesMu.Lock()
	defer benchFilesMu.Unlock()
	key := fmt.Sprintf("%s-%d", set, size)
	if p, ok := benchFiles[key]; ok {
		st, _ := os.Stat(p)
		return p, st.Size()
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "edi-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	p := filepath.Join(benchDir, key+".edi")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	n, err := generateInterchange(f, set, size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	benchFiles[key] = p
	return p, n
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// heapPeak samples live heap bytes while a benchmark runs.
type heapPeak struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(h.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > h.peak {
				h.peak = v
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) finish() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

func benchDecode(b *testing.B, set string, size int64, envelopeOnly bool) {
	path, n := benchFile(b, set, size)
	b.SetBytes(n)
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	h := startHeapPeak()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	sets := 0
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		d := NewDecoderOptions(f, DecoderOptions{EnvelopeOnly: envelopeOnly})
		for {
			ev, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if ev.Kind == EventTransaction {
				sets++
				if len(ev.Transaction.Errors) > 0 {
					b.Fatalf("generated set has errors: %v", ev.Transaction.Errors[0])
				}
				if !envelopeOnly && ev.Transaction.Document == nil {
					b.Fatal("no document")
				}
			}
			if ev.Kind == EventInterchange && len(ev.Interchange.Errors) > 0 {
				b.Fatalf("interchange errors: %v", ev.Interchange.Errors[0])
			}
		}
		f.Close()
	}
	b.StopTimer()
	cpu := cpuSeconds() - cpu0
	peak := h.finish()
	b.ReportMetric(float64(n)*float64(b.N)/cpu/1e6, "cpu-MB/s")
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(sets)/float64(b.N), "sets/op")
}

// BenchmarkTokenize: scanner plus ISA/GS/ST envelope checks (counts and
// control numbers), no typed mapping. Target ≥ 300 MB/s on one core.
func BenchmarkTokenize(b *testing.B) {
	for _, set := range []string{"850", "810"} {
		for _, mb := range []int64{10, 100} {
			b.Run(fmt.Sprintf("%s/%dMB", set, mb), func(b *testing.B) { benchDecode(b, set, mb<<20, true) })
		}
	}
}

// BenchmarkTyped: full decode into typed documents with element
// validation, streaming (documents dropped after each event). Target
// ≥ 100 MB/s on one core.
func BenchmarkTyped(b *testing.B) {
	for _, set := range []string{"850", "810"} {
		for _, mb := range []int64{10, 100} {
			b.Run(fmt.Sprintf("%s/%dMB", set, mb), func(b *testing.B) { benchDecode(b, set, mb<<20, false) })
		}
	}
}

// BenchmarkScanner: the bare tokenizer.
func BenchmarkScanner(b *testing.B) {
	path, n := benchFile(b, "850", 100<<20)
	b.SetBytes(n)
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		sc := NewScanner(f)
		for sc.Scan() {
		}
		f.Close()
		if sc.Err() != nil {
			b.Fatal(sc.Err())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/(cpuSeconds()-cpu0)/1e6, "cpu-MB/s")
}

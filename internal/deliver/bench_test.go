package deliver

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/manrs/manrs/internal/deliver/delivertest"
)

// BenchmarkDeliver measures events a second from the dispatcher to all of
// a tenant's push outputs at once (a signed webhook, syslog over TCP and
// e-mail over SMTP, receivers on loopback), with every attempt recorded in
// the delivery log, and the heap in use after the run.
func BenchmarkDeliver(b *testing.B) {
	hook := newWebhookReceiver(b, "s3cret")
	sys := delivertest.NewSyslogReceiver(b, "tcp", nil)
	mail := delivertest.NewSMTPServer(b, nil)
	log, err := OpenLog(filepath.Join(b.TempDir(), "deliveries.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	d := NewDispatcher(log, nil)
	target := Target{Tenant: "acme", Outputs: []Output{
		&Webhook{URL: hook.Srv.URL, Secret: []byte("s3cret"), Timeout: 10 * time.Second},
		&Syslog{Address: sys.Addr(), Transport: "tcp", Format: "rfc5424", Hostname: "observer"},
		&Email{Address: mail.Addr(), From: "manrs@example.net", To: []string{"soc@example.net"}},
	}}
	evs := make([]*Event, b.N)
	for i := range evs {
		evs[i] = TestEvent("acme", testNow.Add(time.Duration(i)*time.Second))
	}
	b.ResetTimer()
	for _, r := range d.Deliver(context.Background(), target, evs) {
		if !r.OK() {
			b.Fatalf("%s: %v", r.Output, r.Err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}

package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/uapos/uapos/payment"
)

// Job states.
const (
	JobQueued  = "queued"  // waiting for the terminal (?wait=1)
	JobRunning = "running" // the exchange runs
	JobDone    = "done"    // finished: see result and error
)

// job is a terminal operation run in the background.
type job struct {
	id       string
	terminal string
	op       payment.Operation
	txID     string
	created  time.Time
	cancel   context.CancelFunc
	done     chan struct{}

	mu       sync.Mutex
	state    string
	events   []payment.Event
	result   *payment.Result
	err      error
	aborted  bool
	finished time.Time
	changed  chan struct{} // closed and replaced at every change
}

// JobView is a job on the API.
type JobView struct {
	ID            string          `json:"id"`
	Device        string          `json:"device"`
	Task          int             `json:"task"`
	Operation     string          `json:"operation"`
	TransactionID string          `json:"transaction_id,omitempty"`
	State         string          `json:"state"`
	Aborted       bool            `json:"aborted,omitempty"`
	Events        []payment.Event `json:"events"`
	Result        *payment.Result `json:"result,omitempty"`
	Error         *ErrorInfo      `json:"error,omitempty"`
	Created       time.Time       `json:"created"`
	Finished      time.Time       `json:"finished,omitzero"`
}

func (j *job) view() JobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.viewLocked()
}

func (j *job) viewLocked() JobView {
	v := JobView{ID: j.id, Device: j.terminal, Task: int(j.op), Operation: pathOf(j.op), TransactionID: j.txID,
		State: j.state, Aborted: j.aborted, Events: append([]payment.Event{}, j.events...), Result: j.result,
		Created: j.created, Finished: j.finished}
	if j.err != nil {
		_, info := describe(j.err)
		v.Error = &info
	}
	return v
}

// update changes the job under its lock and wakes its watchers.
func (j *job) update(f func()) {
	j.mu.Lock()
	f()
	close(j.changed)
	j.changed = make(chan struct{})
	j.mu.Unlock()
}

// jobs keeps the jobs: running ones, and finished ones for an hour (at most maxJobs).
type jobs struct {
	mu   sync.Mutex
	byID map[string]*job
	ids  []string // creation order
}

const (
	// maxJobs bounds the jobs kept, and the jobs queued or running (a new one gets 1105).
	maxJobs   = 1000
	keepJobs  = time.Hour
	maxEvents = 256
)

func newJobs() *jobs { return &jobs{byID: map[string]*job{}} }

func (js *jobs) add(j *job) {
	js.mu.Lock()
	defer js.mu.Unlock()
	// Forget finished jobs that are old, or the oldest finished ones beyond the bound.
	keep := js.ids[:0]
	for _, id := range js.ids {
		o := js.byID[id]
		o.mu.Lock()
		old := o.state == JobDone && (time.Since(o.finished) > keepJobs || len(js.byID) >= maxJobs)
		o.mu.Unlock()
		if old {
			delete(js.byID, id)
			continue
		}
		keep = append(keep, id)
	}
	js.ids = append(keep, j.id)
	js.byID[j.id] = j
}

func (js *jobs) get(id string) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	return j, ok
}

func (js *jobs) running() int {
	js.mu.Lock()
	defer js.mu.Unlock()
	n := 0
	for _, j := range js.byID {
		j.mu.Lock()
		if j.state != JobDone {
			n++
		}
		j.mu.Unlock()
	}
	return n
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startJob is POST /v1/terminals/{name}/jobs: the operation runs in the background; the reply
// (202) carries the job's id. Without ?wait=1 a busy terminal gives 1105 at once, as the
// synchronous call does; with it the job queues.
func (s *Service) startJob(w http.ResponseWriter, r *http.Request) {
	e, err := s.terminal(r.PathValue("name"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	var jr jobRequest
	if err := readJSON(r, &jr); err != nil {
		writeError(w, err, nil)
		return
	}
	op, ok := opByPath(jr.Operation)
	if !ok {
		writeError(w, badRequest("operation %q: want one of purchase, refund, cancel, p2p, service-payment, x-report, close-batch, purchase-cashback, instalment, instalment-refund, get-transaction", trunc(jr.Operation, 40)), nil)
		return
	}
	req, err := jr.toPayment(op)
	if err != nil {
		writeError(w, err, nil)
		return
	}
	if s.jobs.running() >= maxJobs {
		writeError(w, &payment.Error{Code: payment.CodeBusy, DeviceText: fmt.Sprintf("%d jobs are queued or running", maxJobs)}, nil)
		return
	}
	done, err := s.begin()
	if err != nil {
		writeError(w, err, nil)
		return
	}
	wait := wantWait(r)
	ctx, cancel := s.exchangeContext()
	j := &job{id: newID(), terminal: e.dev.Name, op: op, txID: req.TransactionID, created: time.Now(),
		cancel: cancel, done: make(chan struct{}), state: JobQueued, changed: make(chan struct{})}
	// Take the gate now when not waiting, so that a busy terminal is refused in this reply.
	var pre *gateHold
	if !wait {
		t, release, err := e.acquire(r.Context(), false)
		if err != nil {
			cancel()
			done()
			writeError(w, err, nil)
			return
		}
		pre = &gateHold{t: t, release: release}
	}
	s.jobs.add(j)
	go s.runJob(ctx, j, e, op, req, pre, done)
	w.Header().Set("Location", "/v1/jobs/"+j.id)
	writeJSON(w, http.StatusAccepted, j.view())
}

// gateHold is a terminal taken for a job before the job started.
type gateHold struct {
	t       payment.Terminal
	release func(error)
}

func (s *Service) runJob(ctx context.Context, j *job, e *terminalEntry, op payment.Operation, req payment.Request, pre *gateHold, done func()) {
	defer done()
	defer j.cancel()
	defer close(j.done)
	events := make(chan payment.Event, 64)
	req.Events = events
	fwdDone := make(chan struct{})
	go func() {
		defer close(fwdDone)
		for ev := range events {
			j.update(func() {
				if len(j.events) < maxEvents {
					j.events = append(j.events, ev)
				}
			})
		}
	}()
	var res *payment.Result
	var err error
	if pre != nil {
		j.update(func() { j.state = JobRunning })
		if req.Merchant == "" {
			req.Merchant = e.dev.Merchant
		}
		res, err = dispatch(ctx, pre.t, op, req)
		pre.release(err)
		if op.MovesMoney() {
			s.mon.journalChanged()
		}
	} else {
		// Queued: the running state is set once the gate is taken; the wait ends with the
		// job's own context (DELETE aborts a queued job too).
		res, err = s.operateIn(ctx, ctx, e, op, req, true, func() { j.update(func() { j.state = JobRunning }) })
	}
	close(events)
	<-fwdDone
	j.update(func() {
		j.state, j.result, j.err, j.finished = JobDone, res, err, time.Now()
		if j.aborted && err != nil && errors.Is(err, payment.ErrBusy) && ctx.Err() != nil {
			j.err = &payment.Error{Code: payment.CodeUserCancelled, Kind: payment.ErrCancelled, DeviceText: "aborted before it started", Err: ctx.Err()}
		}
	})
}

func (s *Service) job(w http.ResponseWriter, r *http.Request) (*job, bool) {
	j, ok := s.jobs.get(r.PathValue("id"))
	if !ok {
		writeError(w, &inputError{msg: fmt.Sprintf("no job %q (finished jobs are kept for an hour)", trunc(r.PathValue("id"), 40)), status: http.StatusNotFound}, nil)
	}
	return j, ok
}

func (s *Service) getJob(w http.ResponseWriter, r *http.Request) {
	if j, ok := s.job(w, r); ok {
		writeJSON(w, http.StatusOK, j.view())
	}
}

// abortJob is DELETE /v1/jobs/{id}: it cancels the job's context, which makes the adapter send
// the protocol's abort to the terminal, and returns the job once it has ended (or when the
// caller gives up waiting, as it stands).
func (s *Service) abortJob(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r)
	if !ok {
		return
	}
	j.update(func() {
		if j.state != JobDone {
			j.aborted = true
		}
	})
	j.cancel()
	select {
	case <-j.done:
	case <-r.Context().Done():
	}
	writeJSON(w, http.StatusOK, j.view())
}

// eventStream writes Server-Sent Events.
type eventStream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startEvents answers 200 with the headers of an event stream.
func startEvents(w http.ResponseWriter) *eventStream {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return &eventStream{w: w, rc: http.NewResponseController(w)}
}

// send writes one event whose data is v as JSON.
func (s *eventStream) send(event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b)
	return err
}

// comment writes a comment line (a keep-alive).
func (s *eventStream) comment(text string) error {
	_, err := fmt.Fprintf(s.w, ": %s\n\n", text)
	return err
}

func (s *eventStream) flush() error { return s.rc.Flush() }

// jobEvents is GET /v1/jobs/{id}/events: Server-Sent Events. Each progress event of the
// terminal is an event "progress" with {code, text}; the job's state changes are "state"
// events; the last event is "done" with the whole job. Events seen before the call are
// replayed first.
func (s *Service) jobEvents(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r)
	if !ok {
		return
	}
	stream := startEvents(w)
	send := func(event string, v any) error {
		if err := stream.send(event, v); err != nil {
			return err
		}
		return stream.flush()
	}
	sent, state := 0, ""
	for {
		j.mu.Lock()
		evs := append([]payment.Event(nil), j.events[sent:]...)
		st := j.state
		changed := j.changed
		var final *JobView
		if st == JobDone {
			v := j.viewLocked()
			final = &v
		}
		j.mu.Unlock()
		for _, ev := range evs {
			if send("progress", ev) != nil {
				return
			}
		}
		sent += len(evs)
		if st != state && st != JobDone {
			if send("state", map[string]string{"state": st}) != nil {
				return
			}
			state = st
		}
		if final != nil {
			_ = send("done", final)
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
	}
}

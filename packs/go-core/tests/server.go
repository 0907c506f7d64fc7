// Execution contexts of a net/http service.
package server

import (
	"context"
	"fmt"
	"net/http"
)

type Server struct {
	store *Store
}

type Store struct{}

// ppa-context: library hot=true                  reached from handleReset through s.store
func (st *Store) ResetAll(ctx context.Context) error {
	return st.mark(ctx)
}

// ppa-context: library hot=true
func (st *Store) mark(ctx context.Context) error {
	return nil
}

// ppa-context: http_handler framework=net/http route=/jobs/{id} method=GET
func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	fmt.Fprint(w, "job")
}

// ppa-context: http_handler route=/jobs/reset method=POST
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	_ = s.store.ResetAll(r.Context())
}

// ppa-context: streaming streaming=true
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	f, ok := w.(http.Flusher)
	if !ok {
		return
	}
	f.Flush()
}

// ppa-context: streaming streaming=true
func streamLogs(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
}

// ppa-context: http_handler route=/health
func health(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
}

// ppa-context: http_handler route=/metrics      wrapped in http.HandlerFunc
func metrics(w http.ResponseWriter, r *http.Request) {}

type api struct{}

// ppa-context: http_handler route=/api/          a Handler value: its ServeHTTP serves
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

type auditAPI struct{}

// ppa-context-todo: http_handler route=/audit    the route of a handler a constructor returns is not followed
func (a *auditAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

func newAudit() *auditAPI { return &auditAPI{} }

// ppa-context: library hot=false                 near miss: nothing routes to it
func (s *Server) describe() string {
	return "server"
}

// ppa-context: init                              init by name, no pack needed
func SetupRoutes(s *Server) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/{id}", s.handleJob)
	mux.HandleFunc("POST /jobs/reset", s.handleReset)
	mux.HandleFunc("/events", s.handleEvents)
	mux.Handle("/metrics", http.HandlerFunc(metrics))
	mux.Handle("/api/", &api{})
	http.HandleFunc("/health", health)
	mux.Handle("/audit", newAudit())
	// ppa-context: http_handler route=/version
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "1.0")
	})
	return mux
}

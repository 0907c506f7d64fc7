// A chi service with a websocket endpoint (coder/websocket).
package chiapp

import (
	"net/http"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"
)

// ppa-context: http_handler framework=chi route=/jobs method=GET
func listJobs(w http.ResponseWriter, r *http.Request) {}

// ppa-context: streaming websocket=true
func live(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
}

// ppa-context: library hot=false               near miss: `Get` of a map-like store, not routed
func lookup(cache map[string]string) string {
	return cache["x"]
}

func routes() http.Handler {
	r := chi.NewRouter()
	r.Get("/jobs", listJobs)
	r.Get("/live", live)
	// ppa-context-todo: http_handler route=/v1/items   `r.Route` prefixes are not joined yet
	r.Route("/v1", func(r chi.Router) {
		r.Get("/items", listJobs)
	})
	return r
}

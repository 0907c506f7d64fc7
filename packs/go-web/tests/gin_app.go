// A gin service.
package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"
)

type Handlers struct{ svc *Service }

type Service struct{}

// ppa-context: library hot=true                 called by a gin handler
func (s *Service) List() []string { return nil }

// ppa-context: http_handler framework=gin route=/jobs method=GET
func (h *Handlers) listJobs(c *gin.Context) {
	c.JSON(http.StatusOK, h.svc.List())
}

// ppa-context: http_handler route=/jobs method=POST
func (h *Handlers) createJob(c *gin.Context) {
	c.Status(http.StatusCreated)
}

// ppa-context: streaming streaming=true framework=gin
func (h *Handlers) events(c *gin.Context) {
	c.Stream(func(w io.Writer) bool {
		c.SSEvent("tick", "1")
		return true
	})
}

var upgrader = websocket.Upgrader{}

// ppa-context: streaming websocket=true
func (h *Handlers) feed(c *gin.Context) {
	conn, err := upgrader.Upgrade(c.Writer, c.Request, nil)
	if err != nil {
		return
	}
	defer conn.Close()
}

// ppa-context: library hot=false                near miss: a helper that takes no context
func auth() gin.HandlerFunc { return nil }

// ppa-context: init
func SetupRouter(h *Handlers) *gin.Engine {
	r := gin.Default()
	r.GET("/jobs", auth(), h.listJobs)
	r.POST("/jobs", h.createJob)
	r.GET("/events", h.events)
	r.GET("/ws", h.feed)
	// ppa-context: http_handler route=/health
	r.GET("/health", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	return r
}

// A fiber service.
package fiberapp

import (
	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

// ppa-context: http_handler framework=fiber route=/orders method=GET
func listOrders(c *fiber.Ctx) error {
	return c.JSON([]string{})
}

func app() *fiber.App {
	a := fiber.New()
	a.Get("/orders", listOrders)
	// ppa-context: streaming websocket=true framework=fiber
	a.Get("/ws", websocket.New(func(c *websocket.Conn) {
		_ = c.WriteMessage(1, []byte("hi"))
	}))
	return a
}

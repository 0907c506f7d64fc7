// Shared channel names of the JavaScript services (F14): a string enum, a constant object and
// plain constants.
export enum Channel {
  OrderPaid = "orders:paid",
  Refunds = "refunds:created",
}

export const Topics = Object.freeze({
  PRICE: "price_changes",
  SHIPPED: "order_shipped",
});

export const ALERTS = process.env.ALERTS_CHANNEL ?? "alerts";

export const DISPATCH = "delivery:dispatch";

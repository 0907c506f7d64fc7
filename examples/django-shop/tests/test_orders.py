from orders.models import Customer, Order


def test_many_orders(db):
    customer = Customer.objects.create(email="a@example.com", name="A", user_id=1)
    for i in range(100):
        Order.objects.create(customer=customer)
    assert Order.objects.count() == 100

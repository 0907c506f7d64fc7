"""Called only from tasks: background through the call graph."""


# ppa-context: library background=true hot=false
def charge_all():
    for invoice in open_invoices():
        charge(invoice)


# ppa-context: library background=true
def open_invoices():
    return []


# ppa-context: library background=true
def charge(invoice):
    return invoice

"""Near misses: queue-shaped calls in a file that uses no task framework."""


class Printer:
    def enqueue(self, doc):
        return doc


printer = Printer()


# ppa-context: library                       a print queue is not a task queue
def report():
    return "r"


printer.enqueue(report)

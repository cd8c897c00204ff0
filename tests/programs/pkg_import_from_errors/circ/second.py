from circ.first import name

value = 1

from circ.second import value

name = "first"

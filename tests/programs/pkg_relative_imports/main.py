import helpers
import shapes
from shapes import area_of, solid
from shapes.solid.cube import Cube

print("main __name__:", __name__)
print(helpers.greet("world"), helpers.__name__)
print(shapes.VERSION, shapes.__name__, shapes.square.__name__)
print(area_of("square", 3), area_of("circle", 1))
print(Cube(2).volume(), solid.__name__, solid.DENSITY)
print(sorted(k for k in dir(shapes) if not k.startswith("_")))
print(helpers.__file__, shapes.__file__, shapes.square.__file__)

import warnings

warnings.warn("imported noisy", stacklevel=2)
warnings.warn("inside noisy")

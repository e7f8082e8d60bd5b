"""The four graded exercises, in the order they are taught and reported."""

from seqlab.checks import Exercise
from seqlab.checks.attention import EXERCISE as ATTENTION
from seqlab.checks.bidirectional_rnn import EXERCISE as BIDIRECTIONAL_RNN
from seqlab.checks.gradient_clipping import EXERCISE as GRADIENT_CLIPPING
from seqlab.checks.gru import EXERCISE as GRU

EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise for exercise in (GRADIENT_CLIPPING, BIDIRECTIONAL_RNN, GRU, ATTENTION)
}


def get(name: str) -> Exercise:
    try:
        return EXERCISES[name]
    except KeyError:
        raise KeyError(f"unknown exercise {name!r}; the exercises are: {', '.join(EXERCISES)}") from None

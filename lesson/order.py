"""Section 1: a bag of words forgets word order; counting word pairs (bigrams) keeps some of it.

A bag of words maps a sentence w_1 .. w_n to the counts c[v] = #{t : w_t = v}: the same for every permutation of
the words, so "the cat chased the mouse" and "the mouse chased the cat" collide. Bigram counts
c[u, v] = #{t : (w_t, w_{t+1}) = (u, v)} see neighbours, so they tell those two sentences apart.
"""

from collections import Counter

SENTENCES = (
    "The cat chased the mouse",
    "The mouse chased the cat",
    "Chased the mouse the cat",  # scrambled
)
# A sentence with a different word: the collision check must say "different" here (its negative control).
CONTROL = "The dog chased the mouse"


def words(sentence):
    return sentence.lower().split()


def bag_of_words(sentence):
    return Counter(words(sentence))


def bigrams(sentence):
    w = words(sentence)
    return Counter(zip(w, w[1:]))


def run():
    """Counts for SENTENCES and CONTROL, over the union vocabulary, and which pairs collide.

    Returns a dict: sentences, vocab, bow (one count list per sentence, in vocab order), bigram_vocab, bigram
    (likewise), and for (0, 1), (0, 2) and (0, control): whether the bags and the bigram counts are equal.
    """
    texts = list(SENTENCES) + [CONTROL]
    bows = [bag_of_words(s) for s in texts]
    grams = [bigrams(s) for s in texts]
    vocab = sorted(set().union(*bows))
    gram_vocab = sorted(set().union(*grams))
    pairs = {"0-1": (0, 1), "0-2": (0, 2), "0-control": (0, 3)}
    return {
        "sentences": texts,
        "vocab": vocab,
        "bow": [[b[v] for v in vocab] for b in bows],
        "bigram_vocab": [" ".join(g) for g in gram_vocab],
        "bigram": [[g[v] for v in gram_vocab] for g in grams],
        "bow_equal": {k: bows[i] == bows[j] for k, (i, j) in pairs.items()},
        "bigram_equal": {k: grams[i] == grams[j] for k, (i, j) in pairs.items()},
    }

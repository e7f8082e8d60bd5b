"""A vanilla (Elman) RNN with real backpropagation through time: trusted code the lesson runs, no exercise's answer.

Column-block convention: x_t is (I, B), h_t is (H, B), y_t is (O, B); weights are (out, in), biases (features, 1).

    a_t = Wxh x_t + Whh h_{t-1} + bh          (H, B)
    h_t = tanh(a_t)                            (H, B)
    y_t = Why h_t + by                         (O, B)   (logits)

Loss: softmax cross-entropy of y_t against integer targets, averaged over all T * B (time step, example)
pairs, as torch.nn.CrossEntropyLoss does on the flattened (T * B, O) logits.

BPTT, with dy_t = dL/dy_t and dh_{T} carried = 0, for t = T-1 .. 0:

    dWhy += dy_t h_t^T ;  dby += sum_b dy_t
    dh_t  = Why^T dy_t + Whh^T da_{t+1}        (gradient from the output and from the future)
    da_t  = (1 - h_t^2) * dh_t                 (tanh' = 1 - tanh^2)
    dWxh += da_t x_t^T ;  dWhh += da_t h_{t-1}^T ;  dbh += sum_b da_t
    dx_t  = Wxh^T da_t ;  dh_0 = Whh^T da_0
"""

import numpy as np

PARAMS = ("Wxh", "Whh", "Why", "bh", "by")


def rnn_hidden_states(inputs, Wxh, Whh, bh, h0=None):
    """All hidden states of a tanh RNN, by the plain Python loop over time.

        h_t = tanh(Wxh x_t + Whh h_{t-1} + bh),   h_{-1} = h0 (zeros when None)

    Inputs:
    - inputs: array (T, I, B) or list of T arrays (I, B).
    - Wxh: (H, I); Whh: (H, H); bh: (H, 1).
    - h0: (H, B) or None.

    Returns:
    - hs: array (T, H, B), dtype = numpy's promotion of the inputs, weights and h0.
    """
    T = len(inputs)
    H = Wxh.shape[0]
    if T == 0:
        if h0 is None and not hasattr(inputs, "shape"):
            raise ValueError("an empty list of inputs needs h0 to give the batch size")
        B = h0.shape[1] if h0 is not None else inputs.shape[2]
        return np.empty((0, H, B), dtype=np.result_type(Wxh, Whh, bh))
    B = inputs[0].shape[1]
    h = np.zeros((H, B), dtype=np.result_type(inputs[0], Wxh)) if h0 is None else h0
    hs = np.empty((T, H, B), dtype=np.result_type(inputs[0], Wxh, Whh, bh, h))
    for t in range(T):
        h = np.tanh(Wxh @ inputs[t] + Whh @ h + bh)  # (H, B)
        hs[t] = h
    return hs


def log_softmax_columns(y):
    """log softmax over the classes (axis 0) of logits y (O, B); stable: shifts by the column max."""
    z = y - np.max(y, axis=0, keepdims=True)  # (O, B), every entry <= 0
    return z - np.log(np.sum(np.exp(z), axis=0, keepdims=True))


class SimpleRNN:
    """Vanilla RNN with a linear read-out per time step (see the module docstring for the equations).

    Attributes: Wxh (H, I), Whh (H, H), Why (O, H), bh (H, 1), by (O, 1). Weights are read at call time, so a
    caller may replace them. Computations follow numpy's dtype promotion of inputs and weights: set float32
    weights for a float32 run.
    """

    def __init__(self, input_size, hidden_size, output_size, rng=None):
        rng = np.random.default_rng() if rng is None else rng
        # Small random weights (as in the course notebook) keep tanh in its linear range at the start.
        self.Wxh = rng.standard_normal((hidden_size, input_size)) * 0.01
        self.Whh = rng.standard_normal((hidden_size, hidden_size)) * 0.01
        self.Why = rng.standard_normal((output_size, hidden_size)) * 0.01
        self.bh = np.zeros((hidden_size, 1))
        self.by = np.zeros((output_size, 1))
        self.hidden_size = hidden_size

    def step(self, x, h_prev):
        """One time step.

        Inputs: x (I, B), h_prev (H, B).
        Returns: h = tanh(Wxh x + Whh h_prev + bh) (H, B); y = Why h + by (O, B).
        """
        h = np.tanh(self.Wxh @ x + self.Whh @ h_prev + self.bh)  # (H, B)
        y = self.Why @ h + self.by  # (O, B)
        return h, y

    def forward(self, inputs, h0=None):
        """Run the sequence.

        Inputs:
        - inputs: list of T arrays x_t (I, B), T >= 1 unless h0 is given.
        - h0: (H, B), or None for zeros.

        Returns:
        - outputs: list of T logits y_t (O, B).
        - hiddens: list of T + 1 states; hiddens[0] = h0, hiddens[t + 1] = h_t.
        """
        if h0 is None:
            if len(inputs) == 0:
                raise ValueError("an empty sequence needs h0 to give the batch size")
            h0 = np.zeros((self.hidden_size, inputs[0].shape[1]), dtype=np.result_type(inputs[0], self.Wxh))
        outputs, hiddens = [], [h0]
        h = h0
        for x in inputs:
            h, y = self.step(x, h)
            outputs.append(y)
            hiddens.append(h)
        return outputs, hiddens

    def backward(self, inputs, hiddens, doutputs):
        """Backpropagation through time (equations in the module docstring).

        Inputs:
        - inputs: list of T arrays x_t (I, B), as given to forward.
        - hiddens: list of T + 1 arrays (H, B), as returned by forward.
        - doutputs: list of T arrays dL/dy_t (O, B).

        Returns: dict of gradients dL/d(.) with the shapes of their variables:
          "Wxh" (H, I), "Whh" (H, H), "Why" (O, H), "bh" (H, 1), "by" (O, 1),
          "inputs" (list of T arrays (I, B)), "h0" (H, B).
        """
        dWxh = np.zeros_like(self.Wxh)
        dWhh = np.zeros_like(self.Whh)
        dWhy = np.zeros_like(self.Why)
        dbh = np.zeros_like(self.bh)
        dby = np.zeros_like(self.by)
        dinputs = [None] * len(inputs)
        dh_future = np.zeros_like(hiddens[0])  # Whh^T da_{t+1}; nothing flows back from after the last step
        for t in reversed(range(len(inputs))):
            h, h_prev, dy = hiddens[t + 1], hiddens[t], doutputs[t]
            dWhy += dy @ h.T  # (O, H)
            dby += np.sum(dy, axis=1, keepdims=True)  # (O, 1)
            dh = self.Why.T @ dy + dh_future  # (H, B)
            da = (1 - h * h) * dh  # (H, B)
            dWxh += da @ inputs[t].T  # (H, I)
            dWhh += da @ h_prev.T  # (H, H)
            dbh += np.sum(da, axis=1, keepdims=True)  # (H, 1)
            dinputs[t] = self.Wxh.T @ da  # (I, B)
            dh_future = self.Whh.T @ da  # (H, B)
        return {"Wxh": dWxh, "Whh": dWhh, "Why": dWhy, "bh": dbh, "by": dby,
                "inputs": dinputs, "h0": dh_future}

    def loss(self, outputs, targets):
        """Mean softmax cross-entropy over all T * B (step, example) pairs, and its gradient.

            L = -(1 / (T B)) sum_t sum_b log softmax(y_t[:, b])[k_tb]
            dL/dy_t = (softmax(y_t) - onehot(k_t)) / (T B)

        Inputs:
        - outputs: list of T logits y_t (O, B).
        - targets: list of T integer arrays k_t (B,), classes in [0, O).

        Returns:
        - L: Python float.
        - doutputs: list of T arrays dL/dy_t (O, B).
        """
        N = len(outputs) * outputs[0].shape[1]  # T * B terms in the mean
        total = 0.0
        doutputs = []
        for y, k in zip(outputs, targets):
            k = np.asarray(k)
            cols = np.arange(y.shape[1])
            logp = log_softmax_columns(y)  # (O, B)
            total -= float(np.sum(logp[k, cols]))
            dy = np.exp(logp)  # (O, B), softmax
            dy[k, cols] -= 1
            doutputs.append(dy / N)
        return total / N, doutputs

    def train_step(self, inputs, targets, lr, h0=None, max_norm=None, clip_value=None, clipping=None):
        """One SGD step: forward, loss, backward, clip, update.

        Clipping touches only the parameter gradients (not dinputs/dh0). With both given, value clipping runs
        first and norm clipping second, so the applied gradient satisfies both bounds (scaling by a factor <= 1
        keeps every entry within [-clip_value, clip_value]).

        Inputs:
        - inputs, targets, h0: as in forward and loss.
        - lr: learning rate; theta <- theta - lr * g.
        - max_norm: None, or the bound for clipping.clip_grad_norm (2-norm over all parameter gradients).
        - clip_value: None, or the bound for clipping.clip_grad_value.
        - clipping: an object with clip_grad_norm(grads, max_norm) and clip_grad_value(grads, clip_value) that
          clip a dict of arrays in place (exercise 1's API), needed when max_norm or clip_value is given. The
          lesson passes the one lesson.exercise_code chose: the student's, torch's, or reference/'s.

        Returns: dict(loss=float, grad_norm=float), grad_norm being the 2-norm of all parameter gradients
        BEFORE clipping. The parameters are rebound to new arrays (arrays a caller set are not modified).
        """
        if clipping is None and (max_norm is not None or clip_value is not None):
            raise ValueError("clipping needs an implementation: pass clipping= (an object with clip_grad_norm "
                             "and clip_grad_value)")
        outputs, hiddens = self.forward(inputs, h0)
        L, doutputs = self.loss(outputs, targets)
        all_grads = self.backward(inputs, hiddens, doutputs)
        grads = {name: all_grads[name] for name in PARAMS}
        grad_norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
        if clip_value is not None:
            clipping.clip_grad_value(grads, clip_value)
        if max_norm is not None:
            clipping.clip_grad_norm(grads, max_norm)
        for name in PARAMS:
            setattr(self, name, getattr(self, name) - lr * grads[name])
        return {"loss": float(L), "grad_norm": grad_norm}

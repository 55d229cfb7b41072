"""A linear SVM whose scores are probabilities, from scikit-learn's public API only.

The classifier's confidences are compared with fallback thresholds, so they must be
calibrated. This is Platt scaling with cross-validation, the method of scikit-learn's
`CalibratedClassifierCV(LinearSVC(), method="sigmoid", cv=k)`: k SVMs, each trained on
k-1 folds, each class's decision values turned into a probability by a sigmoid fitted
on the fold it did not see; a message's probabilities are the mean over the k models.

Written out here because scikit-learn keeps the fitted sigmoids in private objects:
reading them (to score one message without its per-class Python loop, 5 x 40 small
calls a message) tied the project to one scikit-learn release. Here every number is
this class's own, and scoring is one sparse product and one sigmoid per fold.
"""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, xlogy
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC


def platt(decisions: np.ndarray, positive: np.ndarray) -> Tuple[float, float]:
    """Slope and offset of P(positive) = 1 / (1 + exp(a * decision + b)), fitted by
    Platt's method (his regularised targets and starting point)."""
    negatives = float(np.sum(~positive))
    positives = float(positive.size) - negatives
    target = np.where(positive, (positives + 1) / (positives + 2), 1 / (negatives + 2))

    def loss(ab: np.ndarray) -> float:
        p = expit(-(ab[0] * decisions + ab[1]))
        return float(-(xlogy(target, p) + xlogy(1 - target, 1 - p)).sum())

    def gradient(ab: np.ndarray) -> np.ndarray:
        p = expit(-(ab[0] * decisions + ab[1]))
        error = target - p
        return np.array([np.dot(error, decisions), np.sum(error)])

    start = np.array([0.0, np.log((negatives + 1) / (positives + 1))])
    result = minimize(loss, start, jac=gradient, method="BFGS")
    return float(result.x[0]), float(result.x[1])


class CalibratedLinearSVM(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """`folds` linear SVMs with a Platt sigmoid per class each (see module docstring).
    Every class needs at least `folds` examples."""

    def __init__(self, C: float = 1.0, folds: int = 5, random_state: int = 42) -> None:
        self.C = C
        self.folds = folds
        self.random_state = random_state

    def fit(self, X: Any, y: np.ndarray) -> CalibratedLinearSVM:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        splits = StratifiedKFold(
            self.folds, shuffle=True, random_state=self.random_state
        )
        self.models_: List[Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for train, held in splits.split(np.zeros(len(y)), y):
            svm = LinearSVC(C=self.C, random_state=self.random_state, max_iter=10000)
            svm.fit(X[train], y[train])
            decisions = self._columns(X[held] @ svm.coef_.T + svm.intercept_)
            fitted = [
                platt(decisions[:, k], y[held] == label)
                for k, label in enumerate(self._calibrated_classes())
            ]
            slopes, offsets = (np.array(values) for values in zip(*fitted, strict=True))
            self.models_.append((svm.coef_.T.copy(), svm.intercept_, slopes, offsets))
        return self

    def _calibrated_classes(self) -> np.ndarray:
        # two classes: one decision value, the sigmoid gives the second class's share
        return self.classes_[1:] if len(self.classes_) == 2 else self.classes_

    @staticmethod
    def _columns(decisions: Any) -> np.ndarray:
        decisions = np.asarray(decisions)
        return decisions.reshape(-1, 1) if decisions.ndim == 1 else decisions

    def predict_proba(self, X: Any) -> np.ndarray:
        total = np.zeros((X.shape[0], len(self.classes_)))
        for weights, intercept, slopes, offsets in self.models_:
            decisions = self._columns(X @ weights + intercept)
            p = expit(-(slopes * decisions + offsets))
            if len(self.classes_) == 2:
                p = np.hstack([1 - p, p])
            sums = p.sum(axis=1, keepdims=True)
            total += np.divide(
                p, sums, out=np.full_like(p, 1 / p.shape[1]), where=sums != 0
            )
        return total / len(self.models_)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

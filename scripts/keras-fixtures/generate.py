"""Writes real Keras 3 `model.to_json()` fixtures for Tusk's converter tests (test/fixtures/keras3/).

Run outside the repo's node tooling, in a venv with keras and a backend:
  python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install keras jax jaxlib
  KERAS_BACKEND=jax /tmp/kvenv/bin/python scripts/keras-fixtures/generate.py

Each fixture holds the untouched `to_json()` string, the compile config Keras reports, and what Keras says of
the model (layer names, output shapes, count_params) for the tests to compare tfjs against.
"""
import json
import os
import sys

import keras
from keras import layers

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'keras3')


def sequential_mlp():
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(16, activation='relu', kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dropout(0.1),
        layers.Dense(3, activation='softmax'),
    ], name='mlp')
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def sequential_cnn():
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, activation='relu', padding='same'),
        layers.MaxPooling2D(2),
        layers.BatchNormalization(),
        layers.Flatten(),
        layers.Dense(10, activation='softmax'),
    ], name='cnn')
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    return model


def functional_skip():
    """One input (what Tusk trains), two branches joined by Concatenate, and an Add skip connection."""
    inputs = keras.Input(shape=(6,), name='features')
    a = layers.Dense(8, activation='relu', name='branch_a')(inputs)
    b = layers.Dense(8, activation='tanh', name='branch_b')(inputs)
    joined = layers.Concatenate(name='joined')([a, b])
    hidden = layers.Dense(8, activation='relu', name='hidden')(joined)
    skip = layers.Add(name='skip')([hidden, a])
    outputs = layers.Dense(2, activation='softmax', name='probs')(skip)
    model = keras.Model(inputs, outputs, name='skip_net')
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def functional_two_inputs():
    """Two inputs: tfjs builds it (the converter must handle it) though Tusk trains one-input models only."""
    left = keras.Input(shape=(5,), name='left')
    right = keras.Input(shape=(3,), name='right')
    merged = layers.Concatenate(name='merged')([layers.Dense(4, name='left_dense')(left), right])
    outputs = layers.Dense(1, activation='sigmoid', name='out')(merged)
    model = keras.Model([left, right], outputs, name='two_inputs')
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['binary_accuracy'])
    return model


def shape_of(tensor):
    return list(tensor.shape)


def describe(model):
    return {
        'keras_version': keras.__version__,
        'backend': keras.backend.backend(),
        'count_params': int(model.count_params()),
        'layers': [
            {'name': layer.name, 'class_name': layer.__class__.__name__, 'count_params': int(layer.count_params()),
             'output_shape': shape_of(layer.output)}
            for layer in model.layers
        ],
        'input_shapes': [shape_of(t) for t in model.inputs],
        'output_shapes': [shape_of(t) for t in model.outputs],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    builders = {
        'sequential-mlp': sequential_mlp,
        'sequential-cnn': sequential_cnn,
        'functional-skip': functional_skip,
        'functional-two-inputs': functional_two_inputs,
    }
    for name, build in builders.items():
        keras.utils.set_random_seed(1)
        model = build()
        fixture = {
            'model_json': model.to_json(),
            'compile_config': model.get_compile_config(),
            'keras': describe(model),
        }
        path = os.path.join(OUT, f'{name}.json')
        with open(path, 'w') as f:
            json.dump(fixture, f, indent=1)
            f.write('\n')
        print(f'wrote {path}: {fixture["keras"]["count_params"]} params', file=sys.stderr)


if __name__ == '__main__':
    main()

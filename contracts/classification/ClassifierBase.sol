// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IClassifier} from "../interfaces/IClassifier.sol";
import {IClassifierErrors} from "../interfaces/IClassifierErrors.sol";
import {IModule} from "../interfaces/IModule.sol";

/// @title ClassifierBase
/// @notice What every classifier shares: class names, the deployer who initialises the model in
/// chunks, `setTrainer` that binds the trainer and closes initialisation, and input checks.
abstract contract ClassifierBase is IClassifier, IClassifierErrors {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         CONSTANTS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Fixed-point scale: a real value `x` is the integer `x * TO_FLOAT` (Python's `TO_FLOAT`).
    uint256 internal constant TO_FLOAT = 1e9;
    /// @dev `TO_FLOAT` squared: the scale of a product of two fixed-point values, and the squared
    /// norm of an L2-normalised fixed-point vector.
    uint256 internal constant TO_FLOAT_SQ = 1e18;
    /// @dev Largest allowed |sum(x_i^2) - 1e18| is this minus one.
    uint256 internal constant NORM_TOLERANCE = 1e11;
    /// @dev `x + 2^63` (mod 2^256) is below 2^64 exactly when the calldata word `x` is a valid
    /// int64; the dense loops OR these together and `_checkNorm` tests the bits above 63.
    uint256 internal constant I64_BIAS = 0x8000000000000000;
    uint256 private constant INT64_BITS = 64;

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           EVENTS                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice Emitted for each `initializePacked` chunk: slots `startSlot ..` of the parameter
    /// array (relative to its base), `count` words (zero words are skipped, not written).
    event PackedInitialized(uint256 startSlot, uint256 count);

    /// @notice Emitted when training changed the model.
    event Updated(uint64 classification);

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           STATE                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice The deployer, who alone may initialise the model and bind it (`setTrainer`).
    address public immutable deployer;
    /// @dev Number of classes (`getNumClassifications`).
    uint256 internal immutable _numClasses;
    /// @notice Number of features (dense: dimension; sparse: exclusive bound of the indices).
    uint256 public immutable numFeatures;
    /// @notice Most features one input may list (dense: the dimension; sparse: fixed at deploy,
    /// at most `numFeatures`). Bounds the gas of every call on one input, so a claim can never
    /// cost more than the contribution it settles.
    uint256 public immutable maxInputFeatures;

    /// @inheritdoc IModule
    address public trainer;
    string[] private _classNames;

    /// @param maxInputFeatures_ most features one input may list, in `[1, numFeatures_]`
    constructor(string[] memory classNames, uint256 numFeatures_, uint256 maxInputFeatures_) {
        if (classNames.length == 0) revert WrongNumberOfClasses(0, 1);
        if (maxInputFeatures_ == 0 || maxInputFeatures_ > numFeatures_) {
            revert InvalidParameter("maxInputFeatures", int256(maxInputFeatures_));
        }
        deployer = msg.sender;
        _numClasses = classNames.length;
        numFeatures = numFeatures_;
        maxInputFeatures = maxInputFeatures_;
        for (uint256 i; i < classNames.length; ++i) {
            _classNames.push(classNames[i]);
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                 INITIALISATION AND BINDING                 */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Deployer only, and only before `setTrainer`.
    modifier onlyInitializer() {
        _checkInitializer();
        _;
    }

    /// @inheritdoc IModule
    /// @dev Also ends initialisation: every initialiser reverts `TrainerAlreadySet` afterwards.
    function setTrainer(address trainer_) external onlyInitializer {
        if (trainer_ == address(0)) revert ZeroTrainer();
        trainer = trainer_;
        emit TrainerSet(trainer_);
    }

    /// @dev The check of `onlyInitializer` (one copy of the code, not one per initialiser).
    function _checkInitializer() private view {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        address bound = trainer;
        if (bound != address(0)) revert TrainerAlreadySet(bound);
    }

    /// @notice Whether initialisation is over (a trainer is set).
    function finalized() external view returns (bool) {
        return trainer != address(0);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           VIEWS                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @inheritdoc IClassifier
    function classifications(uint256 index) external view returns (string memory) {
        if (index >= _numClasses) revert ClassIndexOutOfRange(index, _numClasses);
        return _classNames[index];
    }

    /// @inheritdoc IClassifier
    function getNumClassifications() external view returns (uint256) {
        return _numClasses;
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                        INPUT CHECKS                        */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Reverts unless the caller is the trainer and `classification` is a class.
    function _checkUpdate(uint64 classification) internal view {
        if (msg.sender != trainer) revert NotTrainer(msg.sender);
        if (classification >= _numClasses) revert UnknownClass(classification, _numClasses);
    }

    /// @dev Reverts unless `startIndex + count <= size`.
    function _checkChunk(uint256 startIndex, uint256 count, uint256 size) internal pure {
        if (startIndex > size || count > size - startIndex) {
            revert InitOutOfRange(startIndex, count, size);
        }
    }

    /// @dev Dense input checks after a fused pass over the values: a word that is not an int64
    /// (`biased`, the OR of every `x + I64_BIAS`, reaches bit 64; `ValueNotInt64`), then L2
    /// normalisation of `s = sum(x_i^2)`.
    function _checkNorm(uint256 biased, uint256 s) internal pure {
        if (biased >> INT64_BITS != 0) revert ValueNotInt64();
        uint256 diff = s > TO_FLOAT_SQ ? s - TO_FLOAT_SQ : TO_FLOAT_SQ - s;
        if (diff >= NORM_TOLERANCE) revert NotNormalized(s);
    }

    /// @dev Reverts `WrongDimension` unless `length == numFeatures`.
    function _checkDimension(uint256 length) internal view {
        if (length != numFeatures) revert WrongDimension(length, numFeatures);
    }

    /// @dev A canonical sparse input: at least one and at most `maxInputFeatures` indices, each
    /// in `[0, numFeatures)` and above the one before (sorted, no duplicates). One comparison pair
    /// per index; the slow path finds the reason.
    function _checkSparse(int64[] calldata data) internal view {
        uint256 len = data.length;
        _checkSparseLength(len);
        uint256 n = numFeatures;
        bool bad;
        // Solidity equivalent:
        //     uint256 next; // the smallest index allowed at this position
        //     for (uint256 k; k < len; ++k) {
        //         uint256 i = uint256(int256(data[k])); // negatives wrap to >= n
        //         if (i >= n || i < next) { bad = true; break; }
        //         next = i + 1;
        //     }
        assembly ("memory-safe") {
            let next := 0
            let end := add(data.offset, shl(5, len))
            for { let p := data.offset } lt(p, end) { p := add(p, 0x20) } {
                let i := calldataload(p)
                // unsigned comparisons reject negatives and malformed words as well
                if or(iszero(lt(i, n)), lt(i, next)) {
                    bad := 1
                    break
                }
                next := add(i, 1)
            }
        }
        if (bad) _revertBadSparse(data, n);
    }

    /// @dev A sparse input's length: at least one index, at most `maxInputFeatures`.
    function _checkSparseLength(uint256 len) internal view {
        if (len == 0) revert EmptyInput();
        if (len > maxInputFeatures) revert TooManyFeatures(len, maxInputFeatures);
    }

    /// @dev Slow path of a sparse input a fast check flagged: reverts with the reason of the first
    /// bad index (`ValueNotInt64`, `IndexOutOfRange` or `NotSortedUnique`).
    function _revertBadSparse(int64[] calldata data, uint256 n) internal pure {
        int64 prev = -1;
        for (uint256 k; k < data.length; ++k) {
            uint256 word;
            // Solidity equivalent: word = the raw calldata word of data[k] (Solidity's own read
            // would revert without data on a word that is not an int64)
            assembly ("memory-safe") {
                word := calldataload(add(data.offset, shl(5, k)))
            }
            bool notInt64;
            unchecked {
                // a valid int64 word, sign-extended, lands in [0, 2^64) once biased (mod 2^256)
                notInt64 = (word + I64_BIAS) >> INT64_BITS != 0;
            }
            if (notInt64) revert ValueNotInt64();
            int64 idx = int64(int256(word));
            _sparseIndex(idx, n);
            if (idx <= prev) revert NotSortedUnique(k, prev, idx);
            prev = idx;
        }
    }

    /// @dev Sparse input check of one index; returns it as an unsigned integer.
    function _sparseIndex(int64 index, uint256 n) internal pure returns (uint256) {
        if (index < 0 || uint256(int256(index)) >= n) revert IndexOutOfRange(index, n);
        return uint256(int256(index));
    }
}

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

    /// @inheritdoc IModule
    address public trainer;
    string[] private _classNames;

    constructor(string[] memory classNames, uint256 numFeatures_) {
        if (classNames.length == 0) revert WrongNumberOfClasses(0, 1);
        deployer = msg.sender;
        _numClasses = classNames.length;
        numFeatures = numFeatures_;
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
    /// (`biased`, the OR of every `x + I64_BIAS`, reaches bit 64; such a word is not ABI-encodable
    /// from an int64[], so revert without data like Solidity's own decoder), then L2 normalisation
    /// of `s = sum(x_i^2)`.
    function _checkNorm(uint256 biased, uint256 s) internal pure {
        if (biased >> INT64_BITS != 0) revert();
        uint256 diff = s > TO_FLOAT_SQ ? s - TO_FLOAT_SQ : TO_FLOAT_SQ - s;
        if (diff >= NORM_TOLERANCE) revert NotNormalized(s);
    }

    /// @dev Reverts `WrongDimension` unless `length == numFeatures`.
    function _checkDimension(uint256 length) internal view {
        if (length != numFeatures) revert WrongDimension(length, numFeatures);
    }

    /// @dev Sparse input check of one index; returns it as an unsigned integer.
    function _sparseIndex(int64 index, uint256 n) internal pure returns (uint256) {
        if (index < 0 || uint256(int256(index)) >= n) revert IndexOutOfRange(index, n);
        return uint256(int256(index));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IClassifier} from "./interfaces/IClassifier.sol";
import {IClassifierErrors} from "./interfaces/IClassifierErrors.sol";
import {IIncentiveErrors, IIncentiveMechanism} from "./interfaces/IIncentiveMechanism.sol";
import {ContributionRecord as R} from "./libraries/ContributionRecord.sol";

/// @title CollaborativeTrainer
/// @notice The contract users talk to: it holds the deposits and the contribution records, and wires
/// one classifier and one incentive mechanism (IM). `addData` trains the model and records a
/// contribution; `refund` gives an author its deposit back when the model agrees; `report` lets
/// others take deposits of contributions the model disagrees with (and the owner / anyone take what
/// is left after the deadlines). The raw data is not stored: the `AddData` event is its record.
/// @dev Invariant: `address(this).balance == sum of all claimable deposits` (barring ether forced in
/// by `selfdestruct` or as a block reward, which no contract can refuse).
///
/// Gas design:
/// * One storage slot per contribution (`ContributionRecord`): deposit, claimable, number of claims,
///   "the author claimed", "exists", at the slot named by the contribution key itself; a reporter's
///   claim flag (1) at the slot `keccak256(key, claimer)`. No mapping hash on the hot paths.
/// * The mechanism is called with that record word and four more static words, encoded by hand.
/// * The data array is never re-encoded: the key hash, the classifier calls and the `AddData` log are
///   all built by copying the caller's calldata as it is.
/// * Classifier, IM and owner are immutable.
///
/// Payout policy: payouts use `call` with all gas (contract wallets can receive) after every state
/// change, behind a transient-storage re-entrancy guard shared by `addData`, `refund` and `report`.
/// If a payout fails, the whole transaction reverts with `PayoutFailed`: the claim is undone and
/// nobody else is affected.
contract CollaborativeTrainer is IIncentiveErrors, IClassifierErrors {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           EVENTS                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice A contribution was accepted. The durable public record of the data set.
    /// @param d The data. @param c Its label. @param t When it was added (block timestamp).
    /// @param sender The author. @param cost The deposit kept.
    event AddData(int64[] d, uint64 c, uint256 t, address indexed sender, uint256 cost);

    /// @notice `author` claimed its deposit back on contribution `key` (`amount` may be 0 for the
    /// points mechanism, where a refund validates the contribution).
    event Refund(address indexed author, bytes32 indexed key, uint256 amount);

    /// @notice `reporter` claimed `amount` from `author`'s contribution `key` (a report, or an owner /
    /// any-address take; 0 for the points mechanism).
    event Report(address indexed reporter, address indexed author, bytes32 indexed key, uint256 amount);

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           ERRORS                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice No contribution with this key (data, label, time and author must all match).
    error ContributionNotFound(bytes32 key);
    /// @notice This exact contribution (same data, label, time and author) already exists.
    error AlreadyAdded(bytes32 key);
    /// @notice Sending `amount` wei to `to` failed; the whole transaction is undone.
    error PayoutFailed(address to, uint256 amount);
    /// @notice A paying function was entered again before it finished.
    error ReentrantCall();
    /// @notice `account` has no code (a classifier or mechanism must be a contract).
    error NotAContract(address account);
    /// @notice The mechanism asked to pay more than is claimable (a broken mechanism).
    error InvalidPayout(uint256 amount, uint256 claimable);
    /// @notice A deposit does not fit the 96-bit record field.
    error DepositTooLarge(uint256 cost);
    /// @notice The number of claims on a contribution would overflow its 32-bit field.
    error TooManyClaims(bytes32 key);
    /// @notice The classifier returned something that is not a uint64 prediction.
    error InvalidPrediction();
    /// @notice The incentive mechanism returned no amount (a broken mechanism).
    error InvalidMechanismResponse();

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         CONSTANTS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Transient-storage slot of the re-entrancy lock.
    /// keccak256("ape-sum.trainer.lock") - 1, as a literal (the expression would be computed at run time).
    bytes32 private constant LOCK_SLOT = 0x43838a11b1a07d7028d26a06390954ba3da2a07b6048c99185b506433c738c7d;

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           STATE                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice A short name of the model.
    string public name;
    /// @notice What the model does and how to contribute.
    string public description;
    /// @notice How raw inputs become `int64[]` (e.g. "sparse-hash:v1 features=1000" or "dense:v1").
    string public encoder;

    /// @notice The model.
    IClassifier public immutable classifier;
    /// @notice The rules for deposits, refunds and takes.
    IIncentiveMechanism public immutable incentiveMechanism;
    /// @notice The deployer; may take what is left on a contribution after `ownerClaimWaitTimeS`.
    address public immutable owner;

    /// @dev The mechanism's owner-take and any-address-take waits (`type(uint256).max` when it has
    /// no deadline takes): such a take is decided without asking the classifier.
    uint256 private immutable _ownerTakeWait;
    uint256 private immutable _anyTakeWait;

    // Contribution records and reporters' claim flags are not in mappings: a record lives at the slot
    // named by its key and a claim flag (1 once set) at `keccak256(key, claimer)`, which saves a hash
    // per access. Both are keccak256 outputs whose preimages (32 n + 60 and 64 bytes) cannot be those
    // of the string slots above (32 bytes) or of each other.

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                        CONSTRUCTION                        */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @param name_ A short name of the model.
    /// @param description_ What the model does.
    /// @param encoder_ How raw inputs are encoded.
    /// @param classifier_ The model (bind it to this trainer with `setTrainer` afterwards).
    /// @param incentiveMechanism_ The mechanism (bind it with `setTrainer` afterwards).
    constructor(
        string memory name_,
        string memory description_,
        string memory encoder_,
        address classifier_,
        address incentiveMechanism_
    ) {
        if (classifier_.code.length == 0) revert NotAContract(classifier_);
        if (incentiveMechanism_.code.length == 0) revert NotAContract(incentiveMechanism_);
        name = name_;
        description = description_;
        encoder = encoder_;
        classifier = IClassifier(classifier_);
        incentiveMechanism = IIncentiveMechanism(incentiveMechanism_);
        owner = msg.sender;
        uint256 ownerWait = type(uint256).max;
        uint256 anyWait = type(uint256).max;
        if (IIncentiveMechanism(incentiveMechanism_).hasDeadlineTakes()) {
            ownerWait = IIncentiveMechanism(incentiveMechanism_).ownerClaimWaitTimeS();
            anyWait = IIncentiveMechanism(incentiveMechanism_).anyAddressClaimWaitTimeS();
        }
        _ownerTakeWait = ownerWait;
        _anyTakeWait = anyWait;
    }

    modifier nonReentrant() {
        bytes32 slot = LOCK_SLOT;
        bool locked;
        assembly ("memory-safe") {
            locked := tload(slot)
        }
        if (locked) revert ReentrantCall();
        assembly ("memory-safe") {
            tstore(slot, 1)
        }
        _;
        assembly ("memory-safe") {
            tstore(slot, 0)
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                          ACTIONS                           */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice Contribute a labelled sample: pay the IM's deposit, train the model, get any excess
    /// value back. Emits `AddData`.
    /// @param data The encoded sample. @param classification Its label.
    function addData(int64[] calldata data, uint64 classification) external payable nonReentrant {
        uint256 cost = incentiveMechanism.handleAddData(msg.value);
        if (cost > msg.value) revert InsufficientDeposit(msg.value, cost);
        if (cost > R.AMOUNT_MASK) revert DepositTooLarge(cost);
        bytes32 key = _key(data, classification, block.timestamp, msg.sender);
        if (_load(key) != 0) revert AlreadyAdded(key);
        _store(key, R.create(cost));
        _update(data, classification);
        _emitAddData(data, classification, cost);
        uint256 excess;
        unchecked {
            excess = msg.value - cost;
        }
        if (excess != 0) _pay(msg.sender, excess);
    }

    /// @notice Get your deposit back on your contribution when the current model agrees with it
    /// (rules in the IM). Emits `Refund`.
    /// @param data The contribution's data. @param classification Its label.
    /// @param addedTime Its `AddData.t`.
    function refund(int64[] calldata data, uint64 classification, uint256 addedTime) external nonReentrant {
        bytes32 key = _key(data, classification, addedTime, msg.sender);
        uint256 record = _existing(key);
        uint256 amount = _askRefund(data, classification, addedTime, record);
        _store(key, _claim(key, record, amount) | R.CLAIMED);
        bytes32 topic = Refund.selector;
        // Solidity equivalent: emit Refund(msg.sender, key, amount);
        assembly ("memory-safe") {
            mstore(0, amount)
            log3(0, 0x20, topic, caller(), key)
        }
        if (amount != 0) _pay(msg.sender, amount);
    }

    /// @notice Claim from someone else's contribution that the current model disagrees with, or take
    /// what is left after the owner / any-address deadlines (rules in the IM). Emits `Report`.
    /// @param data The contribution's data. @param classification Its label.
    /// @param addedTime Its `AddData.t`. @param originalAuthor Its author.
    function report(int64[] calldata data, uint64 classification, uint256 addedTime, address originalAuthor)
        external
        nonReentrant
    {
        bytes32 key = _key(data, classification, addedTime, originalAuthor);
        uint256 record = _existing(key);
        bool byAuthor = msg.sender == originalAuthor;
        bytes32 claimKey = byAuthor ? bytes32(0) : _claimKey(key, msg.sender);
        // "claimed" in the claim handed to the mechanism is the claimer's own flag
        uint256 amount = _askReport(
            data, classification, addedTime, originalAuthor, byAuthor ? record : R.withClaimed(record, _load(claimKey))
        );
        record = _claim(key, record, amount);
        if (byAuthor) {
            _store(key, record | R.CLAIMED);
        } else {
            _store(key, record);
            _store(claimKey, 1);
        }
        bytes32 topic = Report.selector;
        // Solidity equivalent: emit Report(msg.sender, originalAuthor, key, amount);
        assembly ("memory-safe") {
            mstore(0, amount)
            log4(0, 0x20, topic, caller(), originalAuthor, key)
        }
        if (amount != 0) _pay(msg.sender, amount);
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                           VIEWS                            */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @notice The model's prediction for `data` (free).
    function predict(int64[] calldata data) external view returns (uint64) {
        return _predict(data, IClassifier.predict.selector);
    }

    /// @notice The storage key of a contribution: keccak256(abi.encodePacked(data, classification,
    /// addedTime, author)) (the original system's key).
    function contributionKey(int64[] calldata data, uint64 classification, uint256 addedTime, address author)
        external
        pure
        returns (bytes32)
    {
        return _key(data, classification, addedTime, author);
    }

    /// @notice The record under `key`; `exists` is false (and the rest 0) when there is none.
    function getContribution(bytes32 key)
        external
        view
        returns (uint256 initialDeposit, uint256 claimable, uint256 numClaims, bool authorClaimed, bool exists)
    {
        uint256 record = _load(key);
        return (R.initialDeposit(record), R.claimable(record), R.numClaims(record), R.claimed(record), R.exists(record));
    }

    /// @notice Wei still claimable on a contribution. Reverts with `ContributionNotFound` if none.
    function getClaimableAmount(int64[] calldata data, uint64 classification, uint256 addedTime, address author)
        external
        view
        returns (uint256)
    {
        return R.claimable(_existing(_key(data, classification, addedTime, author)));
    }

    /// @notice The deposit paid for a contribution. Reverts with `ContributionNotFound` if none.
    function getInitialDeposit(int64[] calldata data, uint64 classification, uint256 addedTime, address author)
        external
        view
        returns (uint256)
    {
        return R.initialDeposit(_existing(_key(data, classification, addedTime, author)));
    }

    /// @notice How many claims were made on a contribution. Reverts with `ContributionNotFound` if none.
    function getNumClaims(int64[] calldata data, uint64 classification, uint256 addedTime, address author)
        external
        view
        returns (uint256)
    {
        return R.numClaims(_existing(_key(data, classification, addedTime, author)));
    }

    /// @notice Whether `claimer` already claimed from a contribution. Reverts with
    /// `ContributionNotFound` if none.
    function hasClaimed(
        int64[] calldata data,
        uint64 classification,
        uint256 addedTime,
        address author,
        address claimer
    ) external view returns (bool) {
        bytes32 key = _key(data, classification, addedTime, author);
        uint256 record = _existing(key);
        if (claimer == author) return R.claimed(record);
        return _load(_claimKey(key, claimer)) != 0;
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                         INTERNALS                          */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev The record under `key`, or a `ContributionNotFound` revert.
    function _existing(bytes32 key) private view returns (uint256 record) {
        record = _load(key);
        if (record == 0) revert ContributionNotFound(key);
    }

    /// @dev `incentiveMechanism.handleRefund` of `msg.sender`'s claim with the current prediction
    /// for `data`, encoded by hand (static arguments only). The prediction comes from
    /// `predictAccepted`: `data` hashed to a recorded contribution, so `update` already checked it.
    function _askRefund(int64[] calldata data, uint64 classification, uint256 addedTime, uint256 claim)
        private
        returns (uint256)
    {
        uint64 prediction = _predict(data, IClassifier.predictAccepted.selector);
        bytes4 selector = IIncentiveMechanism.handleRefund.selector;
        uint256 p;
        // Solidity equivalent: abi.encodeCall(IIncentiveMechanism.handleRefund, (msg.sender, addedTime,
        // claim, classification, prediction)), at the free memory pointer, which stays where it is.
        assembly ("memory-safe") {
            p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), caller())
            mstore(add(p, 0x24), addedTime)
            mstore(add(p, 0x44), claim)
            mstore(add(p, 0x64), classification)
            mstore(add(p, 0x84), prediction)
        }
        return _askMechanism(p, 0xa4);
    }

    /// @dev `incentiveMechanism.handleReport` of `msg.sender`'s claim on `author`'s contribution, like
    /// `_askRefund`. An owner or any-address take is decided without the classifier (its outcome
    /// does not depend on the model, and a take must never cost more gas than the contribution):
    /// the prediction passed is then `type(uint256).max`.
    function _askReport(int64[] calldata data, uint64 classification, uint256 addedTime, address author, uint256 claim)
        private
        returns (uint256)
    {
        uint256 prediction = type(uint256).max;
        uint256 elapsed = block.timestamp - addedTime; // addedTime was a block timestamp
        if (elapsed < _anyTakeWait && (elapsed < _ownerTakeWait || msg.sender != owner)) {
            prediction = _predict(data, IClassifier.predictAccepted.selector);
        }
        bytes4 selector = IIncentiveMechanism.handleReport.selector;
        address owner_ = owner;
        uint256 p;
        // Solidity equivalent: abi.encodeCall(IIncentiveMechanism.handleReport, (msg.sender, author,
        // owner, addedTime, claim, classification, prediction)), at the free memory pointer.
        assembly ("memory-safe") {
            p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), caller())
            mstore(add(p, 0x24), author)
            mstore(add(p, 0x44), owner_)
            mstore(add(p, 0x64), addedTime)
            mstore(add(p, 0x84), claim)
            mstore(add(p, 0xa4), classification)
            mstore(add(p, 0xc4), prediction)
        }
        return _askMechanism(p, 0xe4);
    }

    /// @dev Calls the mechanism with the `size` bytes of calldata at memory `p` and returns the
    /// amount it decides; its revert reason bubbles up unchanged.
    function _askMechanism(uint256 p, uint256 size) private returns (uint256 amount) {
        address target = address(incentiveMechanism);
        bool ok;
        // Solidity equivalent:
        //     (bool success, bytes memory ret) = target.call(calldata at p, size bytes);
        //     if (!success) revert with ret;
        //     ok = ret.length >= 32;
        //     amount = the first word of ret;
        assembly ("memory-safe") {
            if iszero(call(gas(), target, 0, p, size, 0, 0x20)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            ok := gt(returndatasize(), 0x1f)
            amount := mload(0)
        }
        if (!ok) revert InvalidMechanismResponse();
    }

    /// @dev `record` after paying `amount` out of its claimable deposit and counting one more claim.
    function _claim(bytes32 key, uint256 record, uint256 amount) private pure returns (uint256) {
        uint256 claimable = R.claimable(record);
        if (amount > claimable) revert InvalidPayout(amount, claimable);
        if (R.numClaims(record) == R.CLAIMS_MASK) revert TooManyClaims(key);
        unchecked {
            // amount <= claimable (the field does not borrow) and numClaims < 2^32 - 1.
            return record - (amount << R.CLAIMABLE_SHIFT) + (1 << R.CLAIMS_SHIFT);
        }
    }

    /// @dev keccak256(abi.encodePacked(data, classification, addedTime, author)), hashing the calldata
    /// in place: int64 elements are 32-byte words in both encodings.
    function _key(int64[] calldata data, uint64 classification, uint256 addedTime, address author)
        private
        pure
        returns (bytes32 key)
    {
        // Solidity equivalent: keccak256(abi.encodePacked(data, classification, addedTime, author)).
        assembly ("memory-safe") {
            let p := mload(0x40)
            let n := shl(5, data.length)
            calldatacopy(p, data.offset, n)
            let q := add(p, n)
            mstore(q, shl(192, classification))
            mstore(add(q, 8), addedTime)
            mstore(add(q, 40), shl(96, author))
            key := keccak256(p, add(n, 60))
        }
    }

    /// @dev The storage word at `slot`.
    function _load(bytes32 slot) private view returns (uint256 value) {
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    /// @dev Sets the storage word at `slot`.
    function _store(bytes32 slot, uint256 value) private {
        assembly ("memory-safe") {
            sstore(slot, value)
        }
    }

    /// @dev keccak256(abi.encode(key, claimer)).
    function _claimKey(bytes32 key, address claimer) private pure returns (bytes32 claimKey) {
        // Solidity equivalent: keccak256(abi.encode(key, claimer)), in the scratch space.
        assembly ("memory-safe") {
            mstore(0, key)
            mstore(0x20, claimer)
            claimKey := keccak256(0, 0x40)
        }
    }

    /// @dev `classifier.predict(data)` or `classifier.predictAccepted(data)` (`selector`), forwarding
    /// the caller's calldata array without re-encoding.
    function _predict(int64[] calldata data, bytes4 selector) private view returns (uint64 prediction) {
        address target = address(classifier);
        uint256 raw;
        bool ok;
        // Solidity equivalent:
        //     (bool success, bytes memory ret) = target.staticcall(abi.encodeWithSelector(selector, data));
        //     if (!success) revert with ret;
        //     ok = ret.length >= 32;
        //     raw = the first word of ret;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 4), 0x20)
            let size := add(shl(5, data.length), 0x20)
            calldatacopy(add(p, 0x24), sub(data.offset, 0x20), size)
            ok := staticcall(gas(), target, p, add(size, 0x24), 0, 0x20)
            if iszero(ok) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            ok := gt(returndatasize(), 0x1f)
            raw := mload(0)
        }
        if (!ok || raw > type(uint64).max) revert InvalidPrediction();
        prediction = uint64(raw);
    }

    /// @dev classifier.update(data, classification), forwarding the calldata array as it is.
    function _update(int64[] calldata data, uint64 classification) private {
        address target = address(classifier);
        bytes4 selector = IClassifier.update.selector;
        // Solidity equivalent: classifier.update(data, classification), bubbling its revert.
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 4), 0x40)
            mstore(add(p, 0x24), classification)
            let size := add(shl(5, data.length), 0x20)
            calldatacopy(add(p, 0x44), sub(data.offset, 0x20), size)
            if iszero(call(gas(), target, 0, p, add(size, 0x44), 0, 0)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
    }

    /// @dev emit AddData(data, classification, block.timestamp, msg.sender, cost), copying `data`
    /// straight from calldata into the log.
    function _emitAddData(int64[] calldata data, uint64 classification, uint256 cost) private {
        bytes32 topic = AddData.selector;
        // Solidity equivalent: emit AddData(data, classification, block.timestamp, msg.sender, cost);
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, 0x80) // offset of `d` in the data section (after four head words)
            mstore(add(p, 0x20), classification)
            mstore(add(p, 0x40), timestamp())
            mstore(add(p, 0x60), cost)
            let size := add(shl(5, data.length), 0x20)
            calldatacopy(add(p, 0x80), sub(data.offset, 0x20), size)
            log2(p, add(size, 0x80), topic, caller())
        }
    }

    /// @dev Sends `amount` wei to `to` with all gas; reverts the whole transaction on failure.
    function _pay(address to, uint256 amount) private {
        bool ok;
        // Solidity equivalent: (ok, ) = to.call{value: amount}("");
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert PayoutFailed(to, amount);
    }
}

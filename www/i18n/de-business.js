// German for the page's business part: English text (the key) to its translation.
export default {
};
